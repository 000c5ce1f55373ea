package dev.nightshift.evaluation;

import dev.nightshift.contract.Columns;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

import static dev.nightshift.evaluation.ClassificationMetrics.BINS;
import static dev.nightshift.evaluation.ClassificationMetrics.EPS;
import static dev.nightshift.evaluation.ClassificationMetrics.cols;
import static dev.nightshift.evaluation.ClassificationMetrics.concat;
import static org.apache.spark.sql.functions.col;

/**
 * The bootstrap intervals of {@link ClassificationMetrics#BOOTSTRAPPED} (pr_auc, log_loss, brier, f1, ece) from one
 * pass over each group's rows sorted by score, every replicate's sums kept side by side in arrays. Same replicates
 * and same numbers as {@link Bootstrap#intervals} over {@link ClassificationMetrics#compute} (the definition; {@link RegressionBootstrap} is
 * the same idea for regression): each row's Poisson(1) weight in replicate r comes from the same hash
 * {@code xxhash64(seed, entity_id, r)} and the same inverse distribution function ({@link Bootstrap#poisson1}), each
 * replicate's metrics from the same sums, and the interval from Spark's {@code percentile} (linear interpolation between
 * the closest ranks) of the replicate values. {@code LabelsAndBootstrapTest} checks the two agree within 1e-12.
 *
 * <p>Why: the definition copies every row once per replicate (200 copies) and, for pr_auc, groups and sorts the copies
 * per replicate by score. At a million labelled rows that took six of the seven minutes of a night (the end-to-end
 * benchmark, docs/performance-log.md); here the rows are sorted once and each row costs {@code replicates} hash evaluations.
 */
final class ClassificationBootstrap {

    private ClassificationBootstrap() {
    }

    /** The columns of {@link #metricsAndIntervals} after the group keys, in order. */
    static final List<String> ESTIMATES = List.of(ClassificationMetrics.N, ClassificationMetrics.POSITIVES,
            ClassificationMetrics.PREDICTED_POSITIVES, ClassificationMetrics.TRUE_POSITIVES, ClassificationMetrics.CORRECT,
            ClassificationMetrics.AUC, ClassificationMetrics.AUC_VARIANCE, ClassificationMetrics.PR_AUC, ClassificationMetrics.LOG_LOSS,
            ClassificationMetrics.BRIER, ClassificationMetrics.F1, ClassificationMetrics.ECE);

    /**
     * One row per group of {@code labelled} (rows with {@code groupKeys}, {@link Columns#ENTITY_ID}, a non-null
     * {@link Columns#SCORE} and a 0/1 {@link Columns#LABEL}): the group keys, every metric column of
     * {@link ClassificationMetrics#compute} ({@link #ESTIMATES}), then {@link Bootstrap#low} and {@link Bootstrap#high}
     * of each bootstrapped metric as {@link Bootstrap#intervals} returns them, from one pass (one shuffle), where the definition joins four
     * aggregations with the bootstrap (ten stages on a small night). The estimates are the pass's sums with weight 1 for
     * every row; auc and its DeLong variance come from one entry per distinct score, kept while the group is read, and
     * are computed from the same terms as {@link ClassificationMetrics#rankMetrics}. Equal to the definition up to the
     * order of floating-point additions ({@code LabelsAndBootstrapTest}, {@code MetricFixturesTest}).
     */
    static Dataset<Row> metricsAndIntervals(Dataset<Row> labelled, List<String> groupKeys, double threshold, long seed, int replicates) {
        if (replicates <= 0) {
            throw new IllegalArgumentException("replicates must be positive, got " + replicates);
        }
        List<StructField> fields = new ArrayList<>();
        for (String k : groupKeys) {
            fields.add(labelled.schema().apply(k));
        }
        for (String m : ESTIMATES) {
            fields.add(DataTypes.createStructField(m, DataTypes.DoubleType, true));
        }
        for (String m : ClassificationMetrics.BOOTSTRAPPED) {
            fields.add(DataTypes.createStructField(Bootstrap.low(m), DataTypes.DoubleType, true));
            fields.add(DataTypes.createStructField(Bootstrap.high(m), DataTypes.DoubleType, true));
        }
        Column[] keys = cols(groupKeys);
        Column[] order = concat(keys, col(Columns.SCORE).desc());
        return labelled.select(concat(keys, col(Columns.ENTITY_ID).cast("string"), col(Columns.SCORE).cast("double"),
                        col(Columns.LABEL).cast("double")))
                .repartition(keys)
                .sortWithinPartitions(order)
                .mapPartitions(new Pass(groupKeys.size(), threshold, seed, replicates),
                        Encoders.row(DataTypes.createStructType(fields)));
    }

    /** Spark's {@code percentile} at {@code q} of {@code sorted} (ascending); null without values. */
    static Double percentile(double[] sorted, double q) {
        int count = sorted.length;
        if (count == 0) {
            return null;
        }
        double position = (count - 1) * q;
        long lower = (long) Math.floor(position);
        long higher = (long) Math.ceil(position);
        double low = sorted[(int) lower];
        if (higher == lower) {
            return low;
        }
        double high = sorted[(int) higher];
        if (high == low) {
            return low;
        }
        return (higher - position) * low + (position - lower) * high;
    }

    /** Spark's {@code greatest} and {@code least} order NaN above every number. */
    private static double sparkGreatest(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
    }

    private static double sparkLeast(double a, double b) {
        if (Double.isNaN(a)) {
            return b;
        }
        return Double.isNaN(b) ? a : Math.min(a, b);
    }

    private static final class Pass implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final int keys;
        private final double threshold;
        private final long seed;
        private final int replicates;

        Pass(int keys, double threshold, long seed, int replicates) {
            this.keys = keys;
            this.threshold = threshold;
            this.seed = seed;
            this.replicates = replicates;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            double[] thresholds = Bootstrap.poissonThresholds();
            long seedHash = XXH64.hashLong(seed, 42L);   // xxhash64's first column, the seed, from Spark's default seed 42
            List<Row> out = new ArrayList<>();
            Group group = null;
            while (rows.hasNext()) {
                Row r = rows.next();
                if (group == null || !group.holds(r)) {
                    if (group != null) {
                        out.add(group.finish());
                    }
                    group = new Group(r, thresholds, seedHash);
                }
                group.add(r);
            }
            if (group != null) {
                out.add(group.finish());
            }
            return out.iterator();
        }

        /**
         * One group's sums, rows arriving by descending score: slots 0 .. replicates - 1 are the replicates (Poisson
         * weights), slot {@code replicates} is the sample itself (weight 1), for the estimates.
         */
        private final class Group {
            private final Object[] key;
            private final double[] thresholds;
            private final long seedHash;
            private final int slots = replicates + 1;
            private final double[] n = new double[slots];
            private final double[] positives = new double[slots];
            private final double[] predictedPositives = new double[slots];
            private final double[] truePositives = new double[slots];
            private final double[] loss = new double[slots];
            private final double[] squares = new double[slots];
            private final double[] binRows = new double[slots * BINS];
            private final double[] binLabels = new double[slots * BINS];
            private final double[] binScores = new double[slots * BINS];
            // pr_auc: positives and negatives at scores above the current one, the current score's, and the sum of terms
            private final double[] positivesAbove = new double[slots];
            private final double[] negativesAbove = new double[slots];
            private final double[] blockPositives = new double[slots];
            private final double[] blockNegatives = new double[slots];
            private final double[] precisionTerms = new double[slots];
            // the estimate's correct predictions, and its (positives, negatives) per distinct score, highest score first
            private double correct;
            private double[] scorePositives = new double[16];
            private double[] scoreNegatives = new double[16];
            private int scores;
            private boolean open;
            private double blockScore;

            Group(Row first, double[] thresholds, long seedHash) {
                key = new Object[keys];
                for (int i = 0; i < keys; i++) {
                    key[i] = first.get(i);
                }
                this.thresholds = thresholds;
                this.seedHash = seedHash;
            }

            boolean holds(Row r) {
                for (int i = 0; i < keys; i++) {
                    if (!Objects.equals(key[i], r.get(i))) {
                        return false;
                    }
                }
                return true;
            }

            void add(Row r) {
                String id = r.getString(keys);
                double p = r.getDouble(keys + 1);
                double y = r.getDouble(keys + 2);
                // rows of one score are one step of the precision-recall curve, as the definition groups them by score
                if (open && !(p == blockScore || (Double.isNaN(p) && Double.isNaN(blockScore)))) {
                    closeBlock();
                }
                open = true;
                blockScore = p;
                // the definition's expressions, in its order of operations (ClassificationMetrics.compute)
                double predicted = Double.isNaN(p) || p >= threshold ? 1.0 : 0.0;
                double clipped = sparkLeast(sparkGreatest(p, EPS), 1 - EPS);
                double rowLoss = (y * Math.log(clipped) + (1.0 - y) * Math.log(1.0 - clipped)) * -1.0;
                double square = Math.pow(p - y, 2);
                long floor = Double.isNaN(p) ? 0L : (long) Math.floor(p * BINS);
                int bin = (int) Math.min(floor, BINS - 1);
                if (bin < 0) {
                    throw new IllegalStateException("score " + p + " of entity " + id + " is below 0: not a probability");
                }
                long idHash = XXH64.hashUTF8String(UTF8String.fromString(id), seedHash);
                for (int k = 0; k < replicates; k++) {
                    double w = Bootstrap.poisson1(XXH64.hashInt(k, idHash), thresholds);
                    if (w != 0.0) {
                        accumulate(k, w, p, y, predicted, rowLoss, square, bin);
                    }
                }
                accumulate(replicates, 1.0, p, y, predicted, rowLoss, square, bin);
                if (predicted == y) {
                    correct += 1.0;
                }
            }

            private void accumulate(int k, double w, double p, double y, double predicted, double rowLoss, double square, int bin) {
                n[k] += w;
                positives[k] += w * y;
                predictedPositives[k] += w * predicted;
                truePositives[k] += w * y * predicted;
                loss[k] += w * rowLoss;
                squares[k] += w * square;
                int b = k * BINS + bin;
                binRows[b] += w;
                binLabels[b] += w * y;
                binScores[b] += w * p;
                blockPositives[k] += w * y;
                blockNegatives[k] += w * (1.0 - y);
            }

            private void closeBlock() {
                if (scores == scorePositives.length) {
                    scorePositives = Arrays.copyOf(scorePositives, scores * 2);
                    scoreNegatives = Arrays.copyOf(scoreNegatives, scores * 2);
                }
                scorePositives[scores] = blockPositives[replicates];
                scoreNegatives[scores] = blockNegatives[replicates];
                scores++;
                for (int k = 0; k < slots; k++) {
                    double wp = blockPositives[k];
                    positivesAbove[k] += wp;
                    negativesAbove[k] += blockNegatives[k];
                    if (wp > 0) {
                        precisionTerms[k] += wp * positivesAbove[k] / (positivesAbove[k] + negativesAbove[k]);
                    }
                    blockPositives[k] = 0.0;
                    blockNegatives[k] = 0.0;
                }
            }

            /** Slot {@code k}'s value of a bootstrapped metric: the definition's expression; null where it has none. */
            private Double metric(String metric, int k) {
                double f1Denominator = predictedPositives[k] + positives[k];
                return switch (metric) {
                    case ClassificationMetrics.PR_AUC -> positives[k] > 0 ? precisionTerms[k] / positives[k] : null;
                    case ClassificationMetrics.LOG_LOSS -> loss[k] / n[k];
                    case ClassificationMetrics.BRIER -> squares[k] / n[k];
                    case ClassificationMetrics.F1 -> f1Denominator > 0 ? truePositives[k] * 2.0 / f1Denominator : null;
                    case ClassificationMetrics.ECE -> {
                        double gap = 0.0;
                        for (int b = k * BINS; b < (k + 1) * BINS; b++) {
                            gap += Math.abs(binLabels[b] - binScores[b]);
                        }
                        yield gap / n[k];
                    }
                    default -> throw new IllegalStateException("no bootstrap pass for metric " + metric);
                };
            }

            Row finish() {
                if (open) {
                    closeBlock();
                }
                List<String> metrics = ClassificationMetrics.BOOTSTRAPPED;
                double[][] values = new double[metrics.size()][replicates];
                int[] counts = new int[metrics.size()];
                for (int k = 0; k < replicates; k++) {
                    if (n[k] <= 0) {
                        continue;   // no row drawn: the replicate has no row for this group in the definition either
                    }
                    for (int m = 0; m < metrics.size(); m++) {
                        Double v = metric(metrics.get(m), k);
                        if (v != null) {
                            values[m][counts[m]++] = v;
                        }
                    }
                }
                int at = keys;
                Object[] row = Arrays.copyOf(key, keys + ESTIMATES.size() + 2 * metrics.size());
                Double[] auc = auc();
                for (String m : ESTIMATES) {
                    row[at++] = estimate(m, auc);
                }
                for (int m = 0; m < metrics.size(); m++) {
                    double[] sorted = Arrays.copyOf(values[m], counts[m]);
                    Arrays.sort(sorted);
                    row[at++] = percentile(sorted, 0.025);
                    row[at++] = percentile(sorted, 0.975);
                }
                return RowFactory.create(row);
            }

            /** {@code auc}: {@link #auc()}. */
            private Double estimate(String metric, Double[] auc) {
                int k = replicates;
                return switch (metric) {
                    case ClassificationMetrics.N -> n[k];
                    case ClassificationMetrics.POSITIVES -> positives[k];
                    case ClassificationMetrics.PREDICTED_POSITIVES -> predictedPositives[k];
                    case ClassificationMetrics.TRUE_POSITIVES -> truePositives[k];
                    case ClassificationMetrics.CORRECT -> correct;
                    case ClassificationMetrics.AUC -> auc[0];
                    case ClassificationMetrics.AUC_VARIANCE -> auc[1];
                    default -> metric(metric, k);
                };
            }

            /**
             * auc and its DeLong variance, {@link ClassificationMetrics#rankMetrics}'s terms: per distinct score, the
             * negatives ranked below a positive there (ties half) and the positives ranked above a negative there.
             */
            private Double[] auc() {
                double bigP = positives[replicates];
                double bigN = n[replicates] - bigP;
                double aucSum = 0.0;
                double v10 = 0.0;
                double v01 = 0.0;
                double negativesAboveHere = 0.0;
                double positivesAboveHere = 0.0;
                for (int i = 0; i < scores; i++) {
                    double wp = scorePositives[i];
                    double wn = scoreNegatives[i];
                    double negativesBelow = bigN - negativesAboveHere - wn;
                    double negBeaten = negativesBelow + wn * 0.5;
                    double posAbove = positivesAboveHere + wp * 0.5;
                    aucSum += wp * negBeaten;
                    v10 += wp * negBeaten * negBeaten;
                    v01 += wn * posAbove * posAbove;
                    negativesAboveHere += wn;
                    positivesAboveHere += wp;
                }
                if (!(bigP * bigN > 0)) {
                    return new Double[] {null, null};
                }
                double auc = aucSum / (bigP * bigN);
                if (!(bigP > 1 && bigN > 1)) {
                    return new Double[] {auc, null};
                }
                double s10 = (v10 / (bigN * bigN) - bigP * auc * auc) / (bigP - 1);
                double s01 = (v01 / (bigP * bigP) - bigN * auc * auc) / (bigN - 1);
                return new Double[] {auc, s10 / bigP + s01 / bigN};
            }
        }
    }
}
