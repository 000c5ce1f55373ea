package dev.nightshift.evaluation;

import java.time.LocalDate;

/**
 * One row of {@code nightshift.model_metrics} (or, with a {@code segment}, of {@code nightshift.model_segment_metrics})
 * before it is stamped with the run; {@code ciLow}/{@code ciHigh} null for exact counts, {@code segment} and
 * {@code segmentValue} null for a metric over all rows.
 */
public record MetricRow(String pipeline, LocalDate businessDate, long modelVersionId, String segment, String segmentValue,
                        String metric, double value, Double ciLow, Double ciHigh, long n, String method) {

    public static final String DELONG = "delong";
    public static final String WILSON = "wilson";
    public static final String EXACT = "exact";

    public MetricRow {
        if ((segment == null) != (segmentValue == null)) {
            throw new IllegalArgumentException("segment and segment value go together, got " + segment + " = " + segmentValue);
        }
    }

    public static String bootstrap(int replicates) {
        return "bootstrap-" + replicates;
    }

    public boolean segmented() {
        return segment != null;
    }

    static MetricRow exact(Key key, String metric, double value, long n) {
        return new MetricRow(key.pipeline(), key.businessDate(), key.modelVersionId(), key.segment(), key.segmentValue(), metric,
                value, null, null, n, EXACT);
    }

    static MetricRow withInterval(Key key, String metric, double value, Intervals.Interval interval, long n, String method) {
        return new MetricRow(key.pipeline(), key.businessDate(), key.modelVersionId(), key.segment(), key.segmentValue(), metric,
                value, interval == null ? null : interval.low(), interval == null ? null : interval.high(), n, method);
    }

    /**
     * What metrics are computed per: a pipeline's predictions of one business date by one model version, and within
     * them optionally the rows of one value of a segment column.
     */
    public record Key(String pipeline, LocalDate businessDate, long modelVersionId, String segment, String segmentValue) {
    }
}
