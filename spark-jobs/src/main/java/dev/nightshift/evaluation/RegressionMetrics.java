package dev.nightshift.evaluation;

import dev.nightshift.contract.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static dev.nightshift.evaluation.ClassificationMetrics.WEIGHT;
import static dev.nightshift.evaluation.ClassificationMetrics.concat;
import static dev.nightshift.evaluation.ClassificationMetrics.cols;
import static dev.nightshift.evaluation.ClassificationMetrics.ratio;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Regression metrics as weighted Spark aggregations per group, with scikit-learn's definitions: rmse, mae, r2
 * (1 - SSE / SST; null when every label is equal) and mape (mean |error| / |label|) over the rows whose label is not 0
 * — scikit-learn would divide by 2^-52 there instead — with {@link #MAPE_N} and {@link #ZERO_LABELS} counting the
 * rows used and left out. SST is computed in one pass as sum(y^2) - sum(y)^2 / n, which loses precision only when
 * the labels' mean is many orders of magnitude larger than their spread.
 */
public final class RegressionMetrics {

    public static final String N = "n";
    public static final String RMSE = "rmse";
    public static final String MAE = "mae";
    public static final String R2 = "r2";
    public static final String MAPE = "mape";
    public static final String MAPE_N = "mape_n";
    public static final String ZERO_LABELS = "zero_labels";

    /** The metrics whose interval comes from the bootstrap: all of them. */
    public static final List<String> BOOTSTRAPPED = List.of(RMSE, MAE, R2, MAPE);

    private RegressionMetrics() {
    }

    /** {@code labelled}: rows with {@code groupKeys}, {@code prediction}, {@code label} and the weight column. */
    public static Dataset<Row> compute(Dataset<Row> labelled, List<String> groupKeys) {
        Column w = col(WEIGHT);
        Column y = col(Columns.LABEL);
        Column error = col(Columns.PREDICTION).minus(y);
        Column nonZero = y.notEqual(0.0);
        Dataset<Row> sums = labelled.groupBy(cols(groupKeys)).agg(
                sum(w).as(N),
                sum(w.multiply(pow(error, 2))).as("__ns_sse"),
                sum(w.multiply(abs(error))).as("__ns_sae"),
                sum(w.multiply(y)).as("__ns_sy"),
                sum(w.multiply(y).multiply(y)).as("__ns_syy"),
                sum(when(nonZero, w).otherwise(0.0)).as(MAPE_N),
                sum(when(nonZero, w.multiply(abs(error)).divide(abs(y))).otherwise(0.0)).as("__ns_ape"),
                sum(when(nonZero, lit(0.0)).otherwise(w)).as(ZERO_LABELS));
        Column n = col(N);
        Column sst = col("__ns_syy").minus(pow(col("__ns_sy"), 2).divide(n));
        return sums.select(concat(cols(groupKeys), n,
                sqrt(ratio(col("__ns_sse"), n)).as(RMSE),
                ratio(col("__ns_sae"), n).as(MAE),
                when(n.gt(0), lit(1.0).minus(ratio(col("__ns_sse"), sst))).as(R2),
                ratio(col("__ns_ape"), col(MAPE_N)).as(MAPE),
                col(MAPE_N), col(ZERO_LABELS)));
    }
}
