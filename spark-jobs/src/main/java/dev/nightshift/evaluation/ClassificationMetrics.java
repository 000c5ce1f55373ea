package dev.nightshift.evaluation;

import dev.nightshift.contract.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Binary classification metrics as weighted Spark aggregations per group (weight 1 for the estimate, Poisson weights
 * for bootstrap replicates), matching scikit-learn's definitions:
 * <ul>
 *   <li>auc: ROC AUC with ties counted half (roc_auc_score), from the per-score counts and their running sums;
 *   {@link #AUC_VARIANCE} is DeLong's variance from the same table (structural components V10 per positive and V01
 *   per negative, sample variances).</li>
 *   <li>pr_auc: average precision (average_precision_score): the sum over distinct scores s of the recall gained at s
 *   times the precision of predicting positive at score &ge; s.</li>
 *   <li>log_loss: probabilities clipped to [eps, 1 - eps], eps = 2^-52, as log_loss does for float64.</li>
 *   <li>ece: expected calibration error over 10 equal-width score bins [0, 0.1), ..., [0.9, 1.0]:
 *   sum over bins of (bin rows / rows) * |mean label - mean score| = |sum labels - sum scores| / rows.</li>
 *   <li>accuracy, precision, recall, f1, positive_rate: predicted positive when score &ge; threshold, as ScoreJob
 *   decides; returned as weighted counts (tp, predicted positives, positives) plus f1.</li>
 * </ul>
 * A metric whose denominator is 0 (no positives, no predicted positives) is null.
 */
public final class ClassificationMetrics {

    public static final String WEIGHT = "__ns_w";
    public static final String N = "n";
    public static final String POSITIVES = "positives";
    public static final String PREDICTED_POSITIVES = "predicted_positives";
    public static final String TRUE_POSITIVES = "true_positives";
    public static final String CORRECT = "correct";
    public static final String AUC = "auc";
    public static final String AUC_VARIANCE = "auc_variance";
    public static final String PR_AUC = "pr_auc";
    public static final String LOG_LOSS = "log_loss";
    public static final String BRIER = "brier";
    public static final String F1 = "f1";
    public static final String ECE = "ece";

    /** The metrics whose interval comes from the bootstrap. */
    public static final List<String> BOOTSTRAPPED = List.of(PR_AUC, LOG_LOSS, BRIER, F1, ECE);

    static final double EPS = Math.ulp(1.0);
    static final int BINS = 10;

    private ClassificationMetrics() {
    }

    /**
     * {@code labelled}: rows with {@code groupKeys}, {@code score}, {@code label} (0/1) and the weight {@link #WEIGHT}.
     * Returns one row per group: the group keys and every metric column of this class.
     */
    public static Dataset<Row> compute(Dataset<Row> labelled, List<String> groupKeys, double threshold) {
        Column w = col(WEIGHT);
        Column y = col(Columns.LABEL);
        Column p = col(Columns.SCORE);
        Column predicted = when(p.geq(threshold), 1.0).otherwise(0.0);
        Column clipped = least(greatest(p, lit(EPS)), lit(1 - EPS));
        Column rowLoss = y.multiply(log(clipped)).plus(lit(1.0).minus(y).multiply(log(lit(1.0).minus(clipped)))).multiply(-1.0);

        Dataset<Row> sums = labelled.groupBy(cols(groupKeys)).agg(
                sum(w).as(N),
                sum(w.multiply(y)).as(POSITIVES),
                sum(w.multiply(predicted)).as(PREDICTED_POSITIVES),
                sum(w.multiply(y).multiply(predicted)).as(TRUE_POSITIVES),
                sum(when(predicted.equalTo(y), w).otherwise(0.0)).as(CORRECT),
                sum(w.multiply(rowLoss)).as("__ns_loss"),
                sum(w.multiply(pow(p.minus(y), 2))).as("__ns_sq"));
        Column n = col(N);
        Column tp = col(TRUE_POSITIVES);
        Column f1Denominator = col(PREDICTED_POSITIVES).plus(col(POSITIVES));
        sums = sums.select(concat(cols(groupKeys), n, col(POSITIVES), col(PREDICTED_POSITIVES), tp, col(CORRECT),
                ratio(col("__ns_loss"), n).as(LOG_LOSS),
                ratio(col("__ns_sq"), n).as(BRIER),
                ratio(tp.multiply(2.0), f1Denominator).as(F1)));

        Column bin = least(floor(p.multiply(BINS)), lit(BINS - 1));
        List<String> binKeys = new ArrayList<>(groupKeys);
        binKeys.add("__ns_bin");
        Dataset<Row> ece = labelled.withColumn("__ns_bin", bin).groupBy(cols(binKeys)).agg(
                        sum(w).as("__ns_nb"), sum(w.multiply(y)).as("__ns_sy"), sum(w.multiply(p)).as("__ns_sp"))
                .groupBy(cols(groupKeys))
                .agg(sum(abs(col("__ns_sy").minus(col("__ns_sp")))).as("__ns_gap"), sum(col("__ns_nb")).as("__ns_nb"))
                .select(concat(cols(groupKeys), ratio(col("__ns_gap"), col("__ns_nb")).as(ECE)));

        return sums.join(rankMetrics(labelled, groupKeys), groupKeys.toArray(String[]::new), "left")
                .join(ece, groupKeys.toArray(String[]::new), "left");
    }

    /** auc, its DeLong variance and average precision per group, from one row per distinct score. */
    static Dataset<Row> rankMetrics(Dataset<Row> labelled, List<String> groupKeys) {
        Column w = col(WEIGHT);
        Column y = col(Columns.LABEL);
        List<String> scoreKeys = new ArrayList<>(groupKeys);
        scoreKeys.add(Columns.SCORE);
        Dataset<Row> perScore = labelled.groupBy(cols(scoreKeys)).agg(
                sum(w.multiply(y)).as("__ns_wp"), sum(w.multiply(lit(1.0).minus(y))).as("__ns_wn"));

        WindowSpec group = Window.partitionBy(cols(groupKeys));
        WindowSpec below = group.orderBy(col(Columns.SCORE)).rowsBetween(Window.unboundedPreceding(), -1);
        Column wp = col("__ns_wp");
        Column wn = col("__ns_wn");
        Column totalP = sum(wp).over(group);
        Column totalN = sum(wn).over(group);
        Column posBelow = coalesce(sum(wp).over(below), lit(0.0));
        Column negBelow = coalesce(sum(wn).over(below), lit(0.0));
        Dataset<Row> running = perScore.select(concat(cols(groupKeys), wp, wn,
                totalP.as("__ns_P"), totalN.as("__ns_N"), posBelow.as("__ns_pb"), negBelow.as("__ns_nb")));

        Column bigP = col("__ns_P");
        Column bigN = col("__ns_N");
        // Negatives ranked below a positive at this score (ties half) and positives ranked above a negative here.
        Column negBeaten = col("__ns_nb").plus(wn.multiply(0.5));
        Column posAbove = bigP.minus(col("__ns_pb")).minus(wp).plus(wp.multiply(0.5));
        Column tpAtOrAbove = bigP.minus(col("__ns_pb"));
        Column fpAtOrAbove = bigN.minus(col("__ns_nb"));
        Dataset<Row> terms = running.select(concat(cols(groupKeys), bigP, bigN,
                wp.multiply(negBeaten).as("__ns_auc"),
                wp.multiply(negBeaten).multiply(negBeaten).as("__ns_v10sq"),
                wn.multiply(posAbove).multiply(posAbove).as("__ns_v01sq"),
                when(wp.gt(0), wp.multiply(tpAtOrAbove).divide(tpAtOrAbove.plus(fpAtOrAbove))).otherwise(0.0).as("__ns_ap")));

        Dataset<Row> totals = terms.groupBy(cols(groupKeys)).agg(
                org.apache.spark.sql.functions.max(bigP).as("__ns_P"), org.apache.spark.sql.functions.max(bigN).as("__ns_N"),
                sum("__ns_auc").as("__ns_auc"), sum("__ns_v10sq").as("__ns_v10sq"), sum("__ns_v01sq").as("__ns_v01sq"),
                sum("__ns_ap").as("__ns_ap"));
        Column auc = ratio(col("__ns_auc"), bigP.multiply(bigN));
        // Sample variances of V10 = negBeaten / N over positives and V01 = posAbove / P over negatives; both average to auc.
        Column s10 = when(bigP.gt(1).and(bigN.gt(0)), col("__ns_v10sq").divide(bigN.multiply(bigN))
                .minus(bigP.multiply(auc).multiply(auc)).divide(bigP.minus(1)));
        Column s01 = when(bigN.gt(1).and(bigP.gt(0)), col("__ns_v01sq").divide(bigP.multiply(bigP))
                .minus(bigN.multiply(auc).multiply(auc)).divide(bigN.minus(1)));
        return totals.select(concat(cols(groupKeys),
                auc.as(AUC),
                s10.divide(bigP).plus(s01.divide(bigN)).as(AUC_VARIANCE),
                ratio(col("__ns_ap"), bigP).as(PR_AUC)));
    }

    /** {@code numerator / denominator}, null when the denominator is not positive (Spark's ANSI mode would fail). */
    static Column ratio(Column numerator, Column denominator) {
        return when(denominator.gt(0), numerator.divide(denominator));
    }

    static Column[] cols(List<String> names) {
        return names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    }

    static Column[] concat(Column[] first, Column... rest) {
        Column[] out = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, out, first.length, rest.length);
        return out;
    }
}
