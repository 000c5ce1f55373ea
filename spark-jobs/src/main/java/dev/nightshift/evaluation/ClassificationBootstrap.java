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
import org.apache.spark.unsafe.types.UTF8String;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.nightshift.evaluation.ClassificationMetrics.BINS;
import static dev.nightshift.evaluation.ClassificationMetrics.EPS;
import static dev.nightshift.evaluation.ClassificationMetrics.cols;
import static dev.nightshift.evaluation.ClassificationMetrics.concat;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sequence;

/**
 * The bootstrap intervals of {@link ClassificationMetrics#BOOTSTRAPPED} (pr_auc, log_loss, brier, f1, ece) from one
 * pass over each group's rows sorted by score, every replicate's sums kept side by side in arrays. Same replicates
 * and same numbers as {@link Bootstrap#intervals} over {@link ClassificationMetrics#compute} (the definition; {@link RegressionBootstrap} is
 * the same idea for regression): each row's Poisson(1) weight in replicate r comes from the same hash
 * {@code xxhash64(seed, entity_id, r)} and the same inverse distribution function ({@link Bootstrap#poisson1(Column)},
 * drawn here by {@link Bootstrap#poissonWeight}), each
 * replicate's metrics from the same sums, and the interval from Spark's {@code percentile} (linear interpolation between
 * the closest ranks) of the replicate values. {@code LabelsAndBootstrapTest} checks the two agree within 1e-12.
 *
 * <p>Why: the definition copies every row once per replicate (200 copies) and, for pr_auc, groups and sorts the copies
 * per replicate by score. At a million labelled rows that took six of the seven minutes of a night (the end-to-end
 * benchmark, docs/performance-log.md); here the rows are sorted once per share of the replicates (one share per core,
 * see {@link #metricsAndIntervals}) and each row costs {@code replicates} hash evaluations in all.
 */
final class ClassificationBootstrap {

    // the sums of a slot, side by side in Pass.Group's sums
    private static final int N = 0;
    private static final int POSITIVES = 1;
    private static final int PREDICTED = 2;
    private static final int TRUE_POSITIVES = 3;
    private static final int LOSS = 4;
    private static final int SQUARES = 5;
    private static final int STRIDE = 6;

    /** Replicate shares at most: each reads every row, so more shares than cores only repeat the reading. */
    static final int MAX_SHARES = 8;
    private static final String SHARE = "__ns_share";
    /** A partial row's segment column (its index in the segments), or -1 for the group's own row. */
    private static final String SEGMENT_INDEX = "__ns_segment";
    private static final String SEGMENT_VALUE = "__ns_segment_value";

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
     *
     * <p>The replicates are split into {@link #shares} shares, each a task that reads every row of its groups and
     * computes its share of the replicates: a night usually evaluates one group (one date, one model version), which
     * would otherwise be one task however many cores there are. The driver puts each group's shares together.
     */
    static Dataset<Row> metricsAndIntervals(Dataset<Row> labelled, List<String> groupKeys, double threshold, long seed, int replicates) {
        return metricsAndIntervals(labelled, groupKeys, threshold, seed, replicates, shares(labelled, replicates));
    }

    /** As above, in {@code shares} shares of the replicates (1 to {@code replicates}). */
    static Dataset<Row> metricsAndIntervals(Dataset<Row> labelled, List<String> groupKeys, double threshold, long seed, int replicates,
                                            int shares) {
        return metricsAndIntervals(labelled, groupKeys, List.of(), threshold, seed, replicates, shares).groups();
    }

    /**
     * The groups' rows as above and, in the same pass, the same metrics per value of each of the {@code segments}
     * (string columns of {@code labelled}; null is the value {@link Segments#NULL_VALUE}), with
     * {@link Segments#SEGMENT} and {@link Segments#SEGMENT_VALUE} after the group keys. A row's replicate weights are
     * drawn once and added to its group and to its value's group of every segment column; the segments' rows equal
     * those of a pass over the rows copied once per segment column ({@link Segments#explode}) with the segment and its
     * value as group keys, up to the order of floating-point additions on tied scores.
     */
    static WithSegments metricsAndIntervals(Dataset<Row> labelled, List<String> groupKeys, List<String> segments, double threshold,
                                            long seed, int replicates) {
        return metricsAndIntervals(labelled, groupKeys, segments, threshold, seed, replicates, shares(labelled, replicates));
    }

    /** As above, in {@code shares} shares of the replicates (1 to {@code replicates}). */
    static WithSegments metricsAndIntervals(Dataset<Row> labelled, List<String> groupKeys, List<String> segments, double threshold,
                                            long seed, int replicates, int shares) {
        if (replicates <= 0) {
            throw new IllegalArgumentException("replicates must be positive, got " + replicates);
        }
        if (shares < 1 || shares > replicates) {
            throw new IllegalArgumentException("shares must be between 1 and the " + replicates + " replicates, got " + shares);
        }
        List<StructField> keyFields = new ArrayList<>();
        for (String k : groupKeys) {
            keyFields.add(labelled.schema().apply(k));
        }
        List<StructField> partialFields = new ArrayList<>(keyFields);
        partialFields.add(DataTypes.createStructField(SEGMENT_INDEX, DataTypes.IntegerType, false));
        partialFields.add(DataTypes.createStructField(SEGMENT_VALUE, DataTypes.StringType, true));
        partialFields.add(DataTypes.createStructField(SHARE, DataTypes.IntegerType, false));
        for (String m : ESTIMATES) {
            partialFields.add(DataTypes.createStructField(m, DataTypes.DoubleType, true));
        }
        for (String m : ClassificationMetrics.BOOTSTRAPPED) {
            partialFields.add(DataTypes.createStructField(m + "_replicates", DataTypes.createArrayType(DataTypes.DoubleType, false), false));
        }
        Column[] keys = cols(groupKeys);
        Column[] values = segments.stream().map(c -> coalesce(col(c).cast("string"), lit(Segments.NULL_VALUE))).toArray(Column[]::new);
        int buckets = Math.max(1, parallelism(labelled) / shares);
        // partition share * buckets + bucket of the group: every share of every group in a partition of its own bucket
        // (a group's segments with it: a row adds to both)
        Column partition = col(SHARE).multiply(buckets).plus(pmod(hash(keys), lit(buckets)));
        List<Row> partials = labelled.select(concat(concat(keys, col(Columns.ENTITY_ID).cast("string"), col(Columns.SCORE).cast("double"),
                        col(Columns.LABEL).cast("double")), values))
                .withColumn(SHARE, explode(sequence(lit(0), lit(shares - 1))))
                .repartitionById(shares * buckets, partition)
                // by score alone, not by group and score: the groups' rows interleave, each group's still by descending
                // score, and a single sort key with a full-value prefix spares the sort its comparator (the group keys
                // first, equal on every row of a night, made every comparison fall back to comparing whole rows)
                .sortWithinPartitions(col(Columns.SCORE).desc())
                .mapPartitions(new Pass(groupKeys.size(), segments.size(), threshold, seed, replicates, shares),
                        Encoders.row(DataTypes.createStructType(partialFields)))
                .collectAsList();

        List<Row> groupRows = new ArrayList<>();
        List<Row> segmentRows = new ArrayList<>();
        for (Row r : merge(partials, groupKeys.size() + 2, shares)) {
            int segment = r.getInt(groupKeys.size());
            Object[] row = new Object[r.size() - (segment < 0 ? 2 : 0)];
            int at = 0;
            for (int i = 0; i < r.size(); i++) {
                if (i == groupKeys.size() && segment < 0) {
                    i++;    // the group's own row: no segment and no value
                } else if (i == groupKeys.size()) {
                    row[at++] = segments.get(segment);
                } else {
                    row[at++] = r.get(i);
                }
            }
            (segment < 0 ? groupRows : segmentRows).add(RowFactory.create(row));
        }
        return WithSegments.of(labelled.sparkSession(), keyFields, ESTIMATES, ClassificationMetrics.BOOTSTRAPPED, groupRows, segmentRows);
    }

    /** How many shares the replicates are split into: one per core of the application, at most {@link #MAX_SHARES}. */
    static int shares(Dataset<Row> labelled, int replicates) {
        return Math.max(1, Math.min(Math.min(MAX_SHARES, replicates), parallelism(labelled)));
    }

    private static int parallelism(Dataset<Row> labelled) {
        return labelled.sparkSession().sparkContext().defaultParallelism();
    }

    /**
     * Each group's row (keys: the group keys, the segment index and value) from its shares' rows: the estimates of
     * share 0 (every share computes them; one is kept), and
     * each bootstrapped metric's 2.5% and 97.5% percentiles over the replicate values of all shares.
     */
    private static List<Row> merge(List<Row> partials, int keys, int shares) {
        Map<List<Object>, List<Row>> byGroup = new LinkedHashMap<>();
        for (Row p : partials) {
            List<Object> key = new ArrayList<>(keys);
            for (int i = 0; i < keys; i++) {
                key.add(p.get(i));
            }
            byGroup.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
        List<String> metrics = ClassificationMetrics.BOOTSTRAPPED;
        List<Row> out = new ArrayList<>();
        byGroup.forEach((key, parts) -> {
            if (parts.size() != shares) {
                throw new IllegalStateException("group " + key + " has " + parts.size() + " of its " + shares + " bootstrap shares");
            }
            Row first = parts.stream().filter(p -> p.getInt(keys) == 0).findFirst()
                    .orElseThrow(() -> new IllegalStateException("group " + key + " has no bootstrap share 0"));
            Object[] row = Arrays.copyOf(key.toArray(), keys + ESTIMATES.size() + 2 * metrics.size());
            int at = keys;
            for (int e = 0; e < ESTIMATES.size(); e++) {
                row[at++] = first.isNullAt(keys + 1 + e) ? null : first.getDouble(keys + 1 + e);
            }
            for (int m = 0; m < metrics.size(); m++) {
                int column = keys + 1 + ESTIMATES.size() + m;
                double[] sorted = parts.stream().flatMapToDouble(p -> p.<Double>getList(column).stream().mapToDouble(Double::doubleValue))
                        .toArray();
                Arrays.sort(sorted);
                row[at++] = percentile(sorted, 0.025);
                row[at++] = percentile(sorted, 0.975);
            }
            out.add(RowFactory.create(row));
        });
        return out;
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
        private final int segments;
        private final double threshold;
        private final long seed;
        private final int replicates;
        private final int shares;

        Pass(int keys, int segments, double threshold, long seed, int replicates, int shares) {
            this.keys = keys;
            this.segments = segments;
            this.threshold = threshold;
            this.seed = seed;
            this.replicates = replicates;
            this.shares = shares;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            long[] limits = Bootstrap.poissonLimits();
            long seedHash = XXH64.hashLong(seed, 42L);   // xxhash64's first column, the seed, from Spark's default seed 42
            Map<List<Object>, Group> groups = new LinkedHashMap<>();
            Group group = null;
            while (rows.hasNext()) {
                Row r = rows.next();
                if (group == null || !group.holds(r)) {
                    List<Object> key = new ArrayList<>(keys);
                    for (int i = 0; i < keys; i++) {
                        key.add(r.get(i));
                    }
                    group = groups.get(key);
                    if (group == null) {
                        group = new Group(key.toArray(), -1, null, null, r.getInt(keys + 3 + segments));
                        groups.put(key, group);
                    }
                }
                String id = r.getString(keys);
                double p = r.getDouble(keys + 1);
                double y = r.getDouble(keys + 2);
                if (y != 0.0 && y != 1.0) {
                    throw new IllegalStateException("label " + y + " of entity " + id + " is not 0 or 1");
                }
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
                // the row's weight in each of the share's replicates, drawn once for its group and its segments
                double[] weights = group.weights;
                long idHash = XXH64.hashUTF8String(UTF8String.fromString(id), seedHash);
                for (int k = 0; k < weights.length; k++) {
                    weights[k] = Bootstrap.poissonWeight(XXH64.hashInt(group.from + k, idHash), limits);
                }
                // every term finite: a replicate that did not draw the row (w = 0) adds exact zeros and changes no sum
                boolean finite = Double.isFinite(p) && Double.isFinite(square);
                group.add(p, y, predicted, rowLoss, square, bin, finite);
                for (int c = 0; c < segments; c++) {
                    group.segment(c, r.getString(keys + 3 + c)).add(p, y, predicted, rowLoss, square, bin, finite);
                }
            }
            List<Row> out = new ArrayList<>();
            for (Group g : groups.values()) {
                out.add(g.finish());
                for (Map<String, Group> values : g.segments) {
                    for (Group v : values.values()) {
                        out.add(v.finish());
                    }
                }
            }
            return out.iterator();
        }

        /**
         * One share of one group's sums (or of one value of a segment column within a group), rows arriving by
         * descending score: slots 0 .. count - 1 are the share's replicates {@code from .. from + count - 1} (Poisson
         * weights), slot {@code count} is the sample itself (weight 1), for the estimates. The sums a row adds to are
         * side by side per slot ({@link #sums}, and {@link #bins} per bin), so that the loop over the replicates walks
         * two arrays instead of fourteen.
         */
        private final class Group {
            private final Object[] key;
            private final int segment;
            private final String value;
            private final int share;
            private final int from;
            private final int count;
            /** The current row's weight per replicate of the share: the group's, which its segments' groups share. */
            private final double[] weights;
            /** Per segment column, this group's rows by value of that column (none in a segment's own group). */
            private final List<Map<String, Group>> segments = new ArrayList<>();
            private final int slots;
            /** Per slot, {@link #STRIDE} sums: n, positives, predicted positives, true positives, loss, squares. */
            private final double[] sums;
            /** Per bin, then slot: the labels and the scores of the bin's rows (ece). */
            private final double[] bins;
            // pr_auc: per slot, the positives when the last block with a positive closed, and the sum of terms
            private final double[] positivesBefore;
            private final double[] precisionTerms;
            // the estimate's correct predictions, and its (positives, negatives) per distinct score, highest score first,
            // with its positives and negatives when the last block closed
            private double correct;
            private double estimatePositivesBefore;
            private double estimateNegativesBefore;
            private double[] scorePositives = new double[16];
            private double[] scoreNegatives = new double[16];
            private int scores;
            private boolean open;
            private boolean blockHasPositive;
            private double blockScore;

            /** {@code parent}: the group a segment value's group is in, whose weights it shares; null for a group. */
            Group(Object[] key, int segment, String value, Group parent, int share) {
                this.key = key;
                this.segment = segment;
                this.value = value;
                this.share = share;
                this.from = (int) ((long) share * replicates / shares);
                this.count = (int) ((long) (share + 1) * replicates / shares) - from;
                this.weights = parent == null ? new double[count] : parent.weights;
                if (parent == null) {
                    for (int c = 0; c < Pass.this.segments; c++) {
                        segments.add(new java.util.HashMap<>());
                    }
                }
                slots = count + 1;
                sums = new double[slots * STRIDE];
                bins = new double[BINS * slots * 2];
                positivesBefore = new double[slots];
                precisionTerms = new double[slots];
            }

            boolean holds(Row r) {
                for (int i = 0; i < keys; i++) {
                    if (!Objects.equals(key[i], r.get(i))) {
                        return false;
                    }
                }
                return true;
            }

            /** The group of this group's rows whose segment column {@code c} has {@code value}. */
            Group segment(int c, String value) {
                Group g = segments.get(c).get(value);
                if (g == null) {
                    g = new Group(key, c, value, this, share);
                    segments.get(c).put(value, g);
                }
                return g;
            }

            /** A row of score {@code p} and label {@code y}, its terms, and its weights in {@link #weights}. */
            void add(double p, double y, double predicted, double rowLoss, double square, int bin, boolean finite) {
                // rows of one score are one step of the precision-recall curve, as the definition groups them by score
                if (open && !(p == blockScore || (Double.isNaN(p) && Double.isNaN(blockScore)))) {
                    closeBlock();
                }
                open = true;
                blockScore = p;
                blockHasPositive |= y == 1.0;
                int binBase = bin * slots * 2;
                if (finite) {
                    // no branch on the weight, which would be mispredicted on a third of the draws
                    for (int k = 0; k < count; k++) {
                        accumulate(k, weights[k], p, y, predicted, rowLoss, square, binBase);
                    }
                } else {
                    for (int k = 0; k < count; k++) {
                        double w = weights[k];
                        if (w != 0.0) {
                            accumulate(k, w, p, y, predicted, rowLoss, square, binBase);
                        }
                    }
                }
                accumulate(count, 1.0, p, y, predicted, rowLoss, square, binBase);
                if (predicted == y) {
                    correct += 1.0;
                }
            }

            private void accumulate(int k, double w, double p, double y, double predicted, double rowLoss, double square, int binBase) {
                int at = k * STRIDE;
                sums[at + N] += w;
                sums[at + POSITIVES] += w * y;
                sums[at + PREDICTED] += w * predicted;
                sums[at + TRUE_POSITIVES] += w * y * predicted;
                sums[at + LOSS] += w * rowLoss;
                sums[at + SQUARES] += w * square;
                int b = binBase + k * 2;
                bins[b] += w * y;
                bins[b + 1] += w * p;
            }

            /**
             * A block's positives and negatives are the running sums now less those at the previous close: weights are
             * whole and labels 0 or 1, so every one of these sums is a whole number and the differences are exact (the
             * same values the block's own sums would have). The positives and negatives above a block's end are the
             * running positives and n - positives, so a block without a positive changes no replicate's pr_auc term and
             * needs no loop over the replicates.
             */
            private void closeBlock() {
                if (scores == scorePositives.length) {
                    scorePositives = Arrays.copyOf(scorePositives, scores * 2);
                    scoreNegatives = Arrays.copyOf(scoreNegatives, scores * 2);
                }
                int estimate = count * STRIDE;
                double positives = sums[estimate + POSITIVES];
                double negatives = sums[estimate + N] - positives;
                scorePositives[scores] = positives - estimatePositivesBefore;
                scoreNegatives[scores] = negatives - estimateNegativesBefore;
                estimatePositivesBefore = positives;
                estimateNegativesBefore = negatives;
                scores++;
                if (blockHasPositive) {
                    for (int k = 0; k < slots; k++) {
                        int at = k * STRIDE;
                        double positivesAbove = sums[at + POSITIVES];
                        double wp = positivesAbove - positivesBefore[k];
                        // labels are 0 or 1 and weights whole, so wp > 0 means wp >= 1 and n >= 1: the max changes
                        // nothing then, and when wp = 0 the term is an exact zero (the definition adds none)
                        precisionTerms[k] += wp * positivesAbove / Math.max(sums[at + N], 1.0);
                        positivesBefore[k] = positivesAbove;
                    }
                }
                blockHasPositive = false;
            }

            /** Slot {@code k}'s value of a bootstrapped metric: the definition's expression; null where it has none. */
            private Double metric(String metric, int k) {
                int at = k * STRIDE;
                double n = sums[at + N];
                double positives = sums[at + POSITIVES];
                double f1Denominator = sums[at + PREDICTED] + positives;
                return switch (metric) {
                    case ClassificationMetrics.PR_AUC -> positives > 0 ? precisionTerms[k] / positives : null;
                    case ClassificationMetrics.LOG_LOSS -> sums[at + LOSS] / n;
                    case ClassificationMetrics.BRIER -> sums[at + SQUARES] / n;
                    case ClassificationMetrics.F1 -> f1Denominator > 0 ? sums[at + TRUE_POSITIVES] * 2.0 / f1Denominator : null;
                    case ClassificationMetrics.ECE -> {
                        double gap = 0.0;
                        for (int bin = 0; bin < BINS; bin++) {
                            int b = bin * slots * 2 + k * 2;
                            gap += Math.abs(bins[b] - bins[b + 1]);
                        }
                        yield gap / n;
                    }
                    default -> throw new IllegalStateException("no bootstrap pass for metric " + metric);
                };
            }

            /**
             * The group keys, the segment column (-1 for the group itself) and value, the share, the estimates (share 0
             * only; null in the others), and per bootstrapped metric the values of the share's replicates that have one.
             */
            Row finish() {
                if (open) {
                    closeBlock();
                }
                List<String> metrics = ClassificationMetrics.BOOTSTRAPPED;
                List<List<Double>> values = new ArrayList<>();
                for (int m = 0; m < metrics.size(); m++) {
                    values.add(new ArrayList<>(count));
                }
                for (int k = 0; k < count; k++) {
                    if (sums[k * STRIDE + N] <= 0) {
                        continue;   // no row drawn: the replicate has no row for this group in the definition either
                    }
                    for (int m = 0; m < metrics.size(); m++) {
                        Double v = metric(metrics.get(m), k);
                        if (v != null) {
                            values.get(m).add(v);
                        }
                    }
                }
                Object[] row = Arrays.copyOf(key, keys + 3 + ESTIMATES.size() + metrics.size());
                int at = keys;
                row[at++] = segment;
                row[at++] = value;
                row[at++] = share;
                Double[] auc = share == 0 ? auc() : null;
                for (String m : ESTIMATES) {
                    row[at++] = share == 0 ? estimate(m, auc) : null;
                }
                for (int m = 0; m < metrics.size(); m++) {
                    row[at++] = scala.jdk.javaapi.CollectionConverters.asScala(values.get(m)).toSeq();
                }
                return RowFactory.create(row);
            }

            /** {@code auc}: {@link #auc()}. */
            private Double estimate(String metric, Double[] auc) {
                int at = count * STRIDE;
                return switch (metric) {
                    case ClassificationMetrics.N -> sums[at + N];
                    case ClassificationMetrics.POSITIVES -> sums[at + POSITIVES];
                    case ClassificationMetrics.PREDICTED_POSITIVES -> sums[at + PREDICTED];
                    case ClassificationMetrics.TRUE_POSITIVES -> sums[at + TRUE_POSITIVES];
                    case ClassificationMetrics.CORRECT -> correct;
                    case ClassificationMetrics.AUC -> auc[0];
                    case ClassificationMetrics.AUC_VARIANCE -> auc[1];
                    default -> metric(metric, count);
                };
            }

            /**
             * auc and its DeLong variance, {@link ClassificationMetrics#rankMetrics}'s terms: per distinct score, the
             * negatives ranked below a positive there (ties half) and the positives ranked above a negative there.
             */
            private Double[] auc() {
                double bigP = sums[count * STRIDE + POSITIVES];
                double bigN = sums[count * STRIDE + N] - bigP;
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
