package dev.nightshift.decisions;

import java.util.List;

/**
 * What one metric policy concluded: {@code status} is {@code breached}, {@code ok}, {@code insufficient_samples} (a
 * date of the window has fewer labelled rows than {@code minSamples}) or {@code not_enough_evaluations} (fewer
 * evaluated dates than {@code consecutive}). {@code lowerLimit}/{@code upperLimit} are the effective thresholds, with
 * where each came from in {@code thresholdSource}.
 */
public record MetricVerdict(String metric, String status, Double lowerLimit, Double upperLimit, String thresholdSource,
                            boolean useInterval, int consecutive, int minSamples, List<Judged> window, String explanation) {
    public static final String BREACHED = "breached";
    public static final String OK = "ok";
    public static final String INSUFFICIENT_SAMPLES = "insufficient_samples";
    public static final String NOT_ENOUGH_EVALUATIONS = "not_enough_evaluations";

    /** One date of the window, with the value (or interval bound) the breach test compared and its result. */
    public record Judged(MetricObservation observation, boolean breached) {
    }

    public boolean breached() {
        return BREACHED.equals(status);
    }
}
