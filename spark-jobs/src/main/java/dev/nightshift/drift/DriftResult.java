package dev.nightshift.drift;

/**
 * One row of {@code nightshift.feature_drift}: one statistic of one feature (or {@code __prediction__}, or the
 * {@code __dataset__} share). {@code chosen} marks the statistic the policy judges the feature by; the other rows are
 * there for transparency and are judged against their own default thresholds. {@code pValue}, {@code statistic} and
 * {@code unseenShare} are null where undefined.
 */
public record DriftResult(String feature, String featureType, String method, Double statistic, Double pValue,
                          double threshold, boolean drifted, boolean chosen, long nCurrent, long nReference,
                          Double nullRateReference, Double nullRateCurrent, Double unseenShare) {

    public static final String DATASET = "__dataset__";
    public static final String PREDICTION = "__prediction__";
}
