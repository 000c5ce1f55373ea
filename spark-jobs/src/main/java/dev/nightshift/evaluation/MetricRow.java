package dev.nightshift.evaluation;

import java.time.LocalDate;

/** One row of {@code nightshift.model_metrics} before it is stamped with the run; {@code ciLow}/{@code ciHigh} null for exact counts. */
public record MetricRow(String pipeline, LocalDate businessDate, long modelVersionId, String metric, double value,
                        Double ciLow, Double ciHigh, long n, String method) {

    public static final String DELONG = "delong";
    public static final String WILSON = "wilson";
    public static final String EXACT = "exact";

    public static String bootstrap(int replicates) {
        return "bootstrap-" + replicates;
    }

    static MetricRow exact(Key key, String metric, double value, long n) {
        return new MetricRow(key.pipeline(), key.businessDate(), key.modelVersionId(), metric, value, null, null, n, EXACT);
    }

    static MetricRow withInterval(Key key, String metric, double value, Intervals.Interval interval, long n, String method) {
        return new MetricRow(key.pipeline(), key.businessDate(), key.modelVersionId(), metric, value,
                interval == null ? null : interval.low(), interval == null ? null : interval.high(), n, method);
    }

    /** What metrics are computed per: a pipeline's predictions of one business date by one model version. */
    public record Key(String pipeline, LocalDate businessDate, long modelVersionId) {
    }
}
