package dev.nightshift.drift;

import java.util.Map;

/**
 * One night's rows summarized against a {@link ReferenceProfile}: for each numeric feature its counts on the
 * reference bins and its quantile sketch, for each categorical feature its counts on the reference categories
 * (in the reference's sorted order) plus the count of values the reference never saw. Counts exclude nulls.
 */
public record CurrentProfile(long rows, Map<String, NumericSummary> numeric, Map<String, CategoricalSummary> categorical) {

    public CurrentProfile {
        numeric = Map.copyOf(numeric);
        categorical = Map.copyOf(categorical);
    }

    /** Counts per reference bin (k edges, k + 1 bins) and the 101-point sketch (empty if every value is null). */
    public record NumericSummary(long count, long nullCount, long[] binCounts, double[] quantiles) {
    }

    /** Counts per reference category, in the reference's order, and of categories unseen in the reference. */
    public record CategoricalSummary(long count, long nullCount, long[] counts, long unseen) {
    }
}
