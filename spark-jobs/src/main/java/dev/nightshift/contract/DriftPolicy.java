package dev.nightshift.contract;

import java.util.List;
import java.util.Map;

/**
 * How feature drift is measured against the champion's reference profile: {@code method} ({@code auto} chooses by
 * column type and sample size), the statistic's {@code threshold}, the share of drifted features that counts as
 * dataset drift, the number of reference quantile {@code bins}, and per-column overrides.
 */
public record DriftPolicy(String method, Double threshold, Double maxDriftedShare, Integer bins, Map<String, ColumnDrift> columns) {
    public static final List<String> METHODS = List.of("auto", "psi", "ks", "wasserstein", "jensen_shannon", "chi_square", "linf");

    public DriftPolicy {
        method = method == null ? "auto" : method;
        threshold = threshold == null ? 0.2 : threshold;
        maxDriftedShare = maxDriftedShare == null ? 0.3 : maxDriftedShare;
        bins = bins == null ? 10 : bins;
        columns = columns == null ? Map.of() : Map.copyOf(columns);
    }

    /** A per-column override of the method and/or threshold. */
    public record ColumnDrift(String method, Double threshold) {
    }
}
