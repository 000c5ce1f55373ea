package dev.nightshift.evaluation;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Task;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns predictions joined with labels into {@code model_metrics} rows: computes the metrics and bootstrap intervals of
 * each group (classification: {@link ClassificationBootstrap#metricsAndIntervals}, one pass equal to
 * {@link ClassificationMetrics} and the {@link Bootstrap}; regression: {@link RegressionBootstrap#metricsAndIntervals}, equal to
 * {@link RegressionMetrics} and the {@link Bootstrap}), and brings only their per-group results (a handful of rows per date and model version)
 * to the driver. Groups without any usable label give no rows.
 */
public final class ModelEvaluation {

    private ModelEvaluation() {
    }

    /** {@code joined}: the output of {@link LabelledPredictions#join}. Rows are ordered by key, then metric. */
    public static List<MetricRow> evaluate(Dataset<Row> joined, Task task, double threshold, long seed, int replicates) {
        return evaluate(joined, null, List.of(), task, threshold, seed, replicates);
    }

    /**
     * As above, then the same metrics per value of each of the {@code segments} (columns of {@code values}, the output
     * of {@link Segments#values}; label coverage is not repeated per segment), ordered by key, segment, value, then
     * metric. A row's replicate weights are computed once for its group and its segments, in one pass
     * ({@link ClassificationBootstrap#metricsAndIntervals(Dataset, List, List, double, long, int)},
     * {@link RegressionBootstrap#metricsAndIntervals}); the definition copies the rows once per segment column
     * ({@link Segments#explode}).
     */
    public static List<MetricRow> evaluate(Dataset<Row> joined, Dataset<Row> values, List<String> segments, Task task, double threshold,
                                           long seed, int replicates) {
        List<Row> coverage = LabelledPredictions.coverage(joined).collectAsList();
        if (task == Task.BINARY_CLASSIFICATION) {
            for (Row c : coverage) {
                long notBinary = c.getAs(LabelledPredictions.NOT_BINARY);
                if (notBinary > 0) {
                    throw new IllegalStateException("ground truth of " + c.getAs(Columns.BUSINESS_DATE) + " has " + notBinary
                            + " labels other than 0 and 1; a binary-classification pipeline cannot be evaluated on them");
                }
                long unscored = c.getAs(LabelledPredictions.UNSCORED);
                if (unscored > 0) {
                    throw new IllegalStateException("predictions of " + c.getAs(Columns.BUSINESS_DATE) + " by model version "
                            + c.getAs(Columns.MODEL_VERSION_ID) + " have " + unscored + " labelled rows without a score");
                }
            }
        }
        Dataset<Row> labelled = LabelledPredictions.labelledOnly(joined);
        Dataset<Row> rows = segments.isEmpty() ? labelled : Segments.attach(labelled, values, segments);
        // one pass per group for the estimates and the intervals, its segments' with them (ClassificationMetrics.compute
        // and RegressionMetrics.compute are the definitions they equal)
        WithSegments stats = task == Task.BINARY_CLASSIFICATION
                ? ClassificationBootstrap.metricsAndIntervals(rows, LabelledPredictions.KEYS, segments, threshold, seed, replicates)
                : RegressionBootstrap.metricsAndIntervals(rows, LabelledPredictions.KEYS, segments, seed, replicates);
        Map<MetricRow.Key, Row> statsByKey = byKey(stats.groups());
        Map<MetricRow.Key, Row> segmentStats = byKey(stats.segments());

        String bootstrap = MetricRow.bootstrap(replicates);
        List<MetricRow> out = new ArrayList<>();
        for (Row c : coverage) {
            long predictions = c.getAs(LabelledPredictions.PREDICTIONS);
            long labelledRows = c.getAs(LabelledPredictions.LABELLED);
            MetricRow.Key key = key(c);
            if (labelledRows == 0) {
                continue;
            }
            out.add(MetricRow.withInterval(key, "label_coverage", (double) labelledRows / predictions,
                    Intervals.wilson(labelledRows, predictions), predictions, MetricRow.WILSON));
            out.add(MetricRow.exact(key, "duplicate_labels", c.<Long>getAs(LabelledPredictions.DUPLICATES), predictions));
            out.add(MetricRow.exact(key, "conflicting_labels", c.<Long>getAs(LabelledPredictions.CONFLICTS), predictions));
            Row s = statsByKey.get(key);
            if (task == Task.BINARY_CLASSIFICATION) {
                classification(key, s, bootstrap, out);
            } else {
                regression(key, s, bootstrap, out);
            }
        }
        out.sort(Comparator.comparing((MetricRow r) -> r.businessDate()).thenComparing(MetricRow::modelVersionId)
                .thenComparing(MetricRow::metric));
        out.addAll(segmentRows(segmentStats, task, bootstrap));
        return out;
    }

    /** The metric rows of each segment's stats, ordered by key, segment, value, then metric. */
    private static List<MetricRow> segmentRows(Map<MetricRow.Key, Row> stats, Task task, String bootstrap) {
        List<MetricRow> out = new ArrayList<>();
        for (Map.Entry<MetricRow.Key, Row> e : stats.entrySet()) {
            if (task == Task.BINARY_CLASSIFICATION) {
                classification(e.getKey(), e.getValue(), bootstrap, out);
            } else {
                regression(e.getKey(), e.getValue(), bootstrap, out);
            }
        }
        out.sort(Comparator.comparing((MetricRow r) -> r.businessDate()).thenComparing(MetricRow::modelVersionId)
                .thenComparing(MetricRow::segment).thenComparing(MetricRow::segmentValue).thenComparing(MetricRow::metric));
        return out;
    }

    private static Map<MetricRow.Key, Row> byKey(Dataset<Row> stats) {
        Map<MetricRow.Key, Row> statsByKey = new HashMap<>();
        for (Row s : stats.collectAsList()) {
            statsByKey.put(key(s), s);
        }
        return statsByKey;
    }

    private static void classification(MetricRow.Key key, Row s, String bootstrap, List<MetricRow> out) {
        long n = Math.round(s.<Double>getAs(ClassificationMetrics.N));
        double positives = s.getAs(ClassificationMetrics.POSITIVES);
        double predictedPositives = s.getAs(ClassificationMetrics.PREDICTED_POSITIVES);
        double truePositives = s.getAs(ClassificationMetrics.TRUE_POSITIVES);
        double correct = s.getAs(ClassificationMetrics.CORRECT);
        Double auc = s.getAs(ClassificationMetrics.AUC);
        if (auc != null) {
            out.add(MetricRow.withInterval(key, "auc", auc, Intervals.delong(auc, s.getAs(ClassificationMetrics.AUC_VARIANCE)), n,
                    MetricRow.DELONG));
        }
        proportion(key, "accuracy", correct, n, out);
        proportion(key, "precision", truePositives, predictedPositives, out);
        proportion(key, "recall", truePositives, positives, out);
        proportion(key, "positive_rate", predictedPositives, n, out);
        for (String m : ClassificationMetrics.BOOTSTRAPPED) {
            bootstrapped(key, m, s, n, bootstrap, out);
        }
    }

    private static void regression(MetricRow.Key key, Row s, String bootstrap, List<MetricRow> out) {
        long n = Math.round(s.<Double>getAs(RegressionMetrics.N));
        long mapeN = Math.round(s.<Double>getAs(RegressionMetrics.MAPE_N));
        for (String m : RegressionMetrics.BOOTSTRAPPED) {
            bootstrapped(key, m, s, m.equals(RegressionMetrics.MAPE) ? mapeN : n, bootstrap, out);
        }
        out.add(MetricRow.exact(key, "mape_zero_labels", s.<Double>getAs(RegressionMetrics.ZERO_LABELS), n));
    }

    private static void proportion(MetricRow.Key key, String metric, double successes, double n, List<MetricRow> out) {
        if (n > 0) {
            out.add(MetricRow.withInterval(key, metric, successes / n, Intervals.wilson(successes, n), Math.round(n), MetricRow.WILSON));
        }
    }

    /**
     * A percentile interval can miss the estimate when the replicate distribution is skewed on few rows; it is then
     * widened to reach the estimate, so that the interval always contains the value it is reported with.
     */
    private static void bootstrapped(MetricRow.Key key, String metric, Row s, long n, String bootstrap, List<MetricRow> out) {
        Double value = s.getAs(metric);
        if (value == null || value.isNaN()) {
            return;
        }
        Double low = s.getAs(Bootstrap.low(metric));
        Double high = s.getAs(Bootstrap.high(metric));
        Intervals.Interval interval = low == null || high == null ? null
                : new Intervals.Interval(Math.min(low, value), Math.max(high, value));
        out.add(MetricRow.withInterval(key, metric, value, interval, n, bootstrap));
    }

    private static MetricRow.Key key(Row r) {
        boolean segmented = java.util.Arrays.asList(r.schema().fieldNames()).contains(Segments.SEGMENT);
        return new MetricRow.Key(r.getAs(Columns.PIPELINE), r.<LocalDate>getAs(Columns.BUSINESS_DATE), r.<Long>getAs(Columns.MODEL_VERSION_ID),
                segmented ? r.getAs(Segments.SEGMENT) : null, segmented ? r.getAs(Segments.SEGMENT_VALUE) : null);
    }
}
