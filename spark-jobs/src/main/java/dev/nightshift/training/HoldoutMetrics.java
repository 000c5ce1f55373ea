package dev.nightshift.training;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Task;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;

/**
 * Holdout metrics with MLlib's evaluators. Classification: areaUnderROC, areaUnderPR, logLoss (from the
 * probability) and accuracy (at the spec's threshold); regression: rmse, mae, r2. Always {@code n}, the row count.
 */
public final class HoldoutMetrics {

    public static final String N = "n";
    private static final String AT_THRESHOLD = "__ns_prediction_at_threshold";

    private HoldoutMetrics() {
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
}
