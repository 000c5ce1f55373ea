package dev.nightshift.training;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Task;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

/**
 * Holdout metrics with MLlib's evaluators. Classification: areaUnderROC, areaUnderPR, logLoss (from the
 * probability) and accuracy (at the spec's threshold); regression: rmse, mae, r2. Always {@code n}, the row count.
 */
public final class HoldoutMetrics {

    public static final String N = "n";
    public static final int MAX_SEGMENT_VALUES = 50;
    private static final String POSITIVES = "__ns_positives";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HoldoutMetrics.class);
    private static final String AT_THRESHOLD = "__ns_prediction_at_threshold";

    private HoldoutMetrics() {
    }

    /** A model's metrics on a holdout, over all rows and per segment value ({@link #bySegment}). */
    public record Measured(Map<String, Double> metrics, Map<String, Map<String, Map<String, Double>>> segments) {
    }

    /** {@link #evaluate} and {@link #bySegment} of the same predictions. */
    public static Measured measure(Dataset<Row> predictions, Task task, double threshold, List<String> segments) {
        return new Measured(evaluate(predictions, task, threshold), bySegment(predictions, task, threshold, segments));
    }

    /** {@code predictions}: the fitted pipeline's output on the holdout (label, probability / prediction columns). */
    public static Map<String, Double> evaluate(Dataset<Row> predictions, Task task, double threshold) {
        Map<String, Double> metrics = new TreeMap<>();
        metrics.put(N, (double) predictions.count());
        if (task == Task.BINARY_CLASSIFICATION) {
            BinaryClassificationEvaluator binary = new BinaryClassificationEvaluator()
                    .setLabelCol(Columns.LABEL).setRawPredictionCol("probability");
            metrics.put("areaUnderROC", binary.setMetricName("areaUnderROC").evaluate(predictions));
            metrics.put("areaUnderPR", binary.setMetricName("areaUnderPR").evaluate(predictions));
            MulticlassClassificationEvaluator multi = new MulticlassClassificationEvaluator()
                    .setLabelCol(Columns.LABEL).setProbabilityCol("probability");
            metrics.put("logLoss", multi.setMetricName("logLoss").evaluate(predictions));
            Dataset<Row> thresholded = predictions.withColumn(AT_THRESHOLD,
                    vector_to_array(col("probability"), "float64").getItem(1).geq(threshold).cast("double"));
            metrics.put("accuracy", multi.setMetricName("accuracy").setPredictionCol(AT_THRESHOLD).evaluate(thresholded));
        } else {
            RegressionEvaluator regression = new RegressionEvaluator().setLabelCol(Columns.LABEL).setPredictionCol("prediction");
            for (String metric : new String[] {"rmse", "mae", "r2"}) {
                metrics.put(metric, regression.setMetricName(metric).evaluate(predictions));
            }
        }
        return metrics;
    }

    /**
     * {@link #evaluate} per value of each segment column of {@code predictions} (categorical model-frame columns),
     * as {@code segment -> value -> metrics}; a null value is {@code (null)}. Metrics that are undefined on a value's
     * rows (AUC and PR AUC with a single class) are left out. Only the {@link #MAX_SEGMENT_VALUES} most frequent values
     * of a column are measured. Empty without segments.
     */
    public static Map<String, Map<String, Map<String, Double>>> bySegment(Dataset<Row> predictions, Task task, double threshold,
                                                                         List<String> segments) {
        Map<String, Map<String, Map<String, Double>>> out = new TreeMap<>();
        for (String segment : segments) {
            List<Row> values = predictions.groupBy(col(segment)).agg(count(lit(1)).as(N), sum(col(Columns.LABEL)).as(POSITIVES))
                    .orderBy(col(N).desc(), col(segment)).collectAsList();
            if (values.size() > MAX_SEGMENT_VALUES) {
                log.warn("segment column {} has {} values on the holdout; only the {} most frequent are measured", segment,
                        values.size(), MAX_SEGMENT_VALUES);
            }
            Map<String, Map<String, Double>> byValue = new TreeMap<>();
            for (Row v : values.subList(0, Math.min(values.size(), MAX_SEGMENT_VALUES))) {
                boolean isNull = v.isNullAt(0);
                Dataset<Row> rows = predictions.where(isNull ? col(segment).isNull() : col(segment).equalTo(v.getString(0)));
                Map<String, Double> metrics = evaluate(rows, task, threshold);
                long n = v.getLong(1);
                double positives = v.getDouble(2);
                if (task == Task.BINARY_CLASSIFICATION && (positives == 0 || positives == n)) {
                    metrics.remove("areaUnderROC");
                    metrics.remove("areaUnderPR");
                }
                metrics.values().removeIf(m -> m.isNaN() || m.isInfinite());
                byValue.put(isNull ? dev.nightshift.evaluation.Segments.NULL_VALUE : v.getString(0), metrics);
            }
            out.put(segment, byValue);
        }
        return out;
    }
}
