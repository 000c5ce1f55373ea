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
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nightshift.evaluation.ClassificationMetrics.cols;
import static dev.nightshift.evaluation.ClassificationMetrics.concat;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The regression metrics of {@link RegressionMetrics#compute} (the definition) and the bootstrap intervals of
 * {@link RegressionMetrics#BOOTSTRAPPED} (rmse, mae, r2, mape), per group and per segment value, from one pass over the
 * rows: every metric is a function of seven weighted sums, so each partition adds up, per group and replicate, the sums
 * the definition's aggregation would (and the same sums with weight 1 for the estimates), the driver adds the
 * partitions' sums, computes each replicate's metrics with {@link RegressionMetrics#compute}'s formulas and takes
 * Spark's {@code percentile} of them ({@link ClassificationBootstrap#percentile}). Same weights as
 * {@link Bootstrap#intervals} over {@link RegressionMetrics#compute}: {@code xxhash64(seed, entity_id, r)} through
 * {@link Bootstrap#poisson1}. {@code LabelsAndBootstrapTest} checks both against the definition within 1e-12.
 *
 * <p>Why: the definition copies every row once per replicate (200 copies); here each row costs {@code replicates}
 * hash evaluations and no copy, drawn once for its group and all its segment values, and only (group, partition) sums
 * reach the driver. Before, the estimates were an aggregation of their own and the segments a second evaluation over
 * the rows copied once per segment column ({@link Segments#explode}): four reads of the joined rows where this is one.
 */
final class RegressionBootstrap {

    /**
     * The sums per replicate, in this order: weights, squared errors, absolute errors, labels, squared labels, weights
     * of non-zero labels, absolute percentage errors.
     */
    private static final int SUMS = 7;

    /** The columns of {@link #metricsAndIntervals} after the group keys (and segment), before the bounds, in order. */
    static final List<String> ESTIMATES = List.of(RegressionMetrics.N, RegressionMetrics.RMSE, RegressionMetrics.MAE,
            RegressionMetrics.R2, RegressionMetrics.MAPE, RegressionMetrics.MAPE_N, RegressionMetrics.ZERO_LABELS);

    /** A partial row's segment column (its index in the segments), or -1 for the group's own row. */
    private static final String SEGMENT_INDEX = "__ns_segment";
    private static final String SEGMENT_VALUE = "__ns_segment_value";

    private RegressionBootstrap() {
    }

    /**
     * One row per group of {@code labelled} (rows with {@code groupKeys}, {@link Columns#ENTITY_ID}, a non-null
     * {@link Columns#PREDICTION} and {@link Columns#LABEL}): the group keys, {@link #ESTIMATES} as
     * {@link RegressionMetrics#compute} returns them, then {@link Bootstrap#low} and {@link Bootstrap#high} of each
     * bootstrapped metric as {@link Bootstrap#intervals} returns them. And, from the same pass, the same per value of
     * each of the {@code segments} (string columns of {@code labelled}; null is the value {@link Segments#NULL_VALUE}),
     * with {@link Segments#SEGMENT} and {@link Segments#SEGMENT_VALUE} after the group keys: what the definition gives
     * over the rows copied once per segment column ({@link Segments#explode}) with the segment and its value as group
     * keys. Equal to the definition up to the order of floating-point additions.
     */
    static WithSegments metricsAndIntervals(Dataset<Row> labelled, List<String> groupKeys, List<String> segments, long seed,
                                            int replicates) {
        if (replicates <= 0) {
            throw new IllegalArgumentException("replicates must be positive, got " + replicates);
        }
        List<StructField> keyFields = new ArrayList<>();
        for (String k : groupKeys) {
            keyFields.add(labelled.schema().apply(k));
        }
        List<StructField> partialFields = new ArrayList<>(keyFields);
        partialFields.add(DataTypes.createStructField(SEGMENT_INDEX, DataTypes.IntegerType, false));
        partialFields.add(DataTypes.createStructField(SEGMENT_VALUE, DataTypes.StringType, true));
        partialFields.add(DataTypes.createStructField("sums", DataTypes.createArrayType(DataTypes.DoubleType, false), false));
        Column[] values = segments.stream().map(c -> coalesce(col(c).cast("string"), lit(Segments.NULL_VALUE))).toArray(Column[]::new);
        List<Row> partials = labelled.select(concat(concat(cols(groupKeys), col(Columns.ENTITY_ID).cast("string"),
                        col(Columns.PREDICTION).cast("double"), col(Columns.LABEL).cast("double")), values))
                .mapPartitions(new Sums(groupKeys.size(), segments.size(), seed, replicates),
                        Encoders.row(DataTypes.createStructType(partialFields)))
                .collectAsList();

        int keys = groupKeys.size() + 2;
        Map<List<Object>, double[]> sums = new LinkedHashMap<>();
        for (Row p : partials) {
            List<Object> key = new ArrayList<>(keys);
            for (int i = 0; i < keys; i++) {
                key.add(p.get(i));
            }
            double[] into = sums.computeIfAbsent(key, k -> new double[(replicates + 1) * SUMS]);
            List<Double> add = p.getList(keys);
            for (int i = 0; i < into.length; i++) {
                into[i] += add.get(i);
            }
        }

        List<Row> groupRows = new ArrayList<>();
        List<Row> segmentRows = new ArrayList<>();
        sums.forEach((key, s) -> {
            int segment = (Integer) key.get(groupKeys.size());
            List<Object> lead = new ArrayList<>(key.subList(0, groupKeys.size()));
            if (segment >= 0) {
                lead.add(segments.get(segment));
                lead.add(key.get(groupKeys.size() + 1));
            }
            (segment < 0 ? groupRows : segmentRows).add(row(lead, s, replicates));
        });
        return WithSegments.of(labelled.sparkSession(), keyFields, ESTIMATES, RegressionMetrics.BOOTSTRAPPED, groupRows, segmentRows);
    }

    /** {@code lead}, the estimates from the weight-1 sums (slot {@code replicates}), then the bounds of each metric. */
    private static Row row(List<Object> lead, double[] s, int replicates) {
        List<String> metrics = RegressionMetrics.BOOTSTRAPPED;
        Object[] row = Arrays.copyOf(lead.toArray(), lead.size() + ESTIMATES.size() + 2 * metrics.size());
        int at = lead.size();
        int estimate = replicates * SUMS;
        double n = s[estimate];
        double mapeN = s[estimate + 5];
        for (String e : ESTIMATES) {
            row[at++] = switch (e) {
                case RegressionMetrics.N -> n;
                case RegressionMetrics.MAPE_N -> mapeN;
                case RegressionMetrics.ZERO_LABELS -> n - mapeN;   // weights of 1: counts, exact
                default -> metric(e, s, estimate);
            };
        }
        double[][] values = new double[metrics.size()][replicates];
        int[] counts = new int[metrics.size()];
        for (int k = 0; k < replicates; k++) {
            if (s[k * SUMS] <= 0) {
                continue;   // no row drawn: the replicate has no row for this group in the definition either
            }
            for (int m = 0; m < metrics.size(); m++) {
                Double v = metric(metrics.get(m), s, k * SUMS);
                if (v != null) {
                    values[m][counts[m]++] = v;
                }
            }
        }
        for (int m = 0; m < metrics.size(); m++) {
            double[] sorted = Arrays.copyOf(values[m], counts[m]);
            Arrays.sort(sorted);
            row[at++] = ClassificationBootstrap.percentile(sorted, 0.025);
            row[at++] = ClassificationBootstrap.percentile(sorted, 0.975);
        }
        return RowFactory.create(row);
    }

    /** {@link RegressionMetrics#compute}'s expression of {@code metric} over the sums at {@code at}; ratio(a, b) is null unless b > 0. */
    private static Double metric(String metric, double[] s, int at) {
        double n = s[at];
        double sse = s[at + 1];
        double sst = s[at + 4] - Math.pow(s[at + 3], 2) / n;
        double mapeN = s[at + 5];
        return switch (metric) {
            case RegressionMetrics.RMSE -> n > 0 ? Math.sqrt(sse / n) : null;
            case RegressionMetrics.MAE -> n > 0 ? s[at + 2] / n : null;
            case RegressionMetrics.R2 -> n > 0 && sst > 0 ? 1.0 - sse / sst : null;
            case RegressionMetrics.MAPE -> mapeN > 0 ? s[at + 6] / mapeN : null;
            default -> throw new IllegalStateException("no bootstrap pass for metric " + metric);
        };
    }

    /**
     * Per partition: the sums per replicate and the weight-1 sums of each group and of each of its segment values, one
     * row per group and per (group, segment column, value); the group key columns, the segment index (-1 for the group)
     * and the value lead each row.
     */
    private record Sums(int keys, int segments, long seed, int replicates) implements MapPartitionsFunction<Row, Row> {

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            long[] limits = Bootstrap.poissonLimits();
            long seedHash = XXH64.hashLong(seed, 42L);   // xxhash64's first column, the seed, from Spark's default seed 42
            Map<List<Object>, double[]> groups = new HashMap<>();
            double[][] into = new double[1 + segments][];
            double[] weights = new double[replicates];
            while (rows.hasNext()) {
                Row r = rows.next();
                List<Object> group = new ArrayList<>(keys + 2);
                for (int i = 0; i < keys; i++) {
                    group.add(r.get(i));
                }
                for (int t = 0; t <= segments; t++) {
                    List<Object> key = new ArrayList<>(group);
                    key.add(t - 1);
                    key.add(t == 0 ? null : r.getString(keys + 2 + t));
                    into[t] = groups.computeIfAbsent(key, k -> new double[(replicates + 1) * SUMS]);
                }
                String id = r.getString(keys);
                if (r.isNullAt(keys + 1) || r.isNullAt(keys + 2)) {
                    throw new IllegalStateException("labelled row of entity " + id + " has no prediction or no label");
                }
                double p = r.getDouble(keys + 1);
                double y = r.getDouble(keys + 2);
                // the definition's expressions, in its order of operations (RegressionMetrics.compute)
                double error = p - y;
                double squared = Math.pow(error, 2);
                double absolute = Math.abs(error);
                boolean nonZero = y != 0.0;
                double absoluteLabel = Math.abs(y);
                long idHash = XXH64.hashUTF8String(UTF8String.fromString(id), seedHash);
                for (int k = 0; k < replicates; k++) {
                    weights[k] = Bootstrap.poissonWeight(XXH64.hashInt(k, idHash), limits);
                }
                // with every term finite, a replicate that did not draw the row (w = 0) adds exact zeros: no branch on
                // the weight, which would be mispredicted on a third of the draws
                boolean finite = Double.isFinite(squared) && Double.isFinite(y);
                for (double[] s : into) {
                    for (int k = 0; k < replicates; k++) {
                        double w = weights[k];
                        if (!finite && w == 0.0) {
                            continue;
                        }
                        add(s, k * SUMS, w, squared, absolute, y, nonZero, absoluteLabel);
                    }
                    add(s, replicates * SUMS, 1.0, squared, absolute, y, nonZero, absoluteLabel);
                }
            }
            List<Row> out = new ArrayList<>();
            groups.forEach((key, s) -> {
                Object[] row = Arrays.copyOf(key.toArray(), keys + 3);
                row[keys + 2] = scala.jdk.javaapi.CollectionConverters.asScala(Arrays.stream(s).boxed().toList()).toSeq();
                out.add(RowFactory.create(row));
            });
            return out.iterator();
        }

        private static void add(double[] s, int at, double w, double squared, double absolute, double y, boolean nonZero,
                                double absoluteLabel) {
            s[at] += w;
            s[at + 1] += w * squared;
            s[at + 2] += w * absolute;
            s[at + 3] += w * y;
            s[at + 4] += w * y * y;
            if (nonZero) {
                s[at + 5] += w;
                s[at + 6] += w * absolute / absoluteLabel;
            }
        }
    }
}
