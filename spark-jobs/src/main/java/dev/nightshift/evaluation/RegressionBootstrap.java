package dev.nightshift.evaluation;

import dev.nightshift.contract.Columns;
import org.apache.spark.api.java.function.MapPartitionsFunction;
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
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nightshift.evaluation.ClassificationMetrics.cols;
import static dev.nightshift.evaluation.ClassificationMetrics.concat;
import static org.apache.spark.sql.functions.col;

/**
 * The bootstrap intervals of {@link RegressionMetrics#BOOTSTRAPPED} (rmse, mae, r2, mape) from one pass over the rows:
 * every metric is a function of seven weighted sums, so each partition adds up, per group and replicate, the sums the
 * definition's aggregation would, the driver adds the partitions' sums, computes each replicate's metrics with
 * {@link RegressionMetrics#compute}'s formulas and takes Spark's {@code percentile} of them
 * ({@link ClassificationBootstrap#percentile}). Same weights as {@link Bootstrap#intervals} over
 * {@link RegressionMetrics#compute} (the definition): {@code xxhash64(seed, entity_id, r)} through
 * {@link Bootstrap#poisson1}. {@code LabelsAndBootstrapTest} checks the two agree within 1e-12.
 *
 * <p>Why: the definition copies every row once per replicate (200 copies); here each row costs {@code replicates}
 * hash evaluations and no copy, and only (group, partition) sums reach the driver.
 */
final class RegressionBootstrap {

    /**
     * The sums per replicate, in this order: weights, squared errors, absolute errors, labels, squared labels, weights
     * of non-zero labels, absolute percentage errors.
     */
    private static final int SUMS = 7;

    private RegressionBootstrap() {
    }

    /**
     * One row per group of {@code labelled} (rows with {@code groupKeys}, {@link Columns#ENTITY_ID}, a non-null
     * {@link Columns#PREDICTION} and {@link Columns#LABEL}): the group keys, then {@link Bootstrap#low} and
     * {@link Bootstrap#high} of each bootstrapped metric, as {@link Bootstrap#intervals} returns them.
     */
    static Dataset<Row> intervals(Dataset<Row> labelled, List<String> groupKeys, long seed, int replicates) {
        if (replicates <= 0) {
            throw new IllegalArgumentException("replicates must be positive, got " + replicates);
        }
        List<StructField> keyFields = new ArrayList<>();
        for (String k : groupKeys) {
            keyFields.add(labelled.schema().apply(k));
        }
        List<StructField> partialFields = new ArrayList<>(keyFields);
        partialFields.add(DataTypes.createStructField("sums", DataTypes.createArrayType(DataTypes.DoubleType, false), false));
        List<Row> partials = labelled.select(concat(cols(groupKeys), col(Columns.ENTITY_ID).cast("string"),
                        col(Columns.PREDICTION).cast("double"), col(Columns.LABEL).cast("double")))
                .mapPartitions(new Sums(groupKeys.size(), seed, replicates), Encoders.row(DataTypes.createStructType(partialFields)))
                .collectAsList();

        Map<List<Object>, double[]> sums = new LinkedHashMap<>();
        for (Row p : partials) {
            List<Object> key = new ArrayList<>();
            for (int i = 0; i < groupKeys.size(); i++) {
                key.add(p.get(i));
            }
            double[] into = sums.computeIfAbsent(key, k -> new double[replicates * SUMS]);
            List<Double> add = p.getList(groupKeys.size());
            for (int i = 0; i < into.length; i++) {
                into[i] += add.get(i);
            }
        }
        List<StructField> fields = new ArrayList<>(keyFields);
        for (String m : RegressionMetrics.BOOTSTRAPPED) {
            fields.add(DataTypes.createStructField(Bootstrap.low(m), DataTypes.DoubleType, true));
            fields.add(DataTypes.createStructField(Bootstrap.high(m), DataTypes.DoubleType, true));
        }
        List<Row> out = new ArrayList<>();
        sums.forEach((key, s) -> out.add(interval(key, s, replicates)));
        return labelled.sparkSession().createDataFrame(out, new StructType(fields.toArray(StructField[]::new)));
    }

    private static Row interval(List<Object> key, double[] s, int replicates) {
        List<String> metrics = RegressionMetrics.BOOTSTRAPPED;
        double[][] values = new double[metrics.size()][replicates];
        int[] counts = new int[metrics.size()];
        for (int k = 0; k < replicates; k++) {
            int at = k * SUMS;
            double n = s[at];
            if (n <= 0) {
                continue;   // no row drawn: the replicate has no row for this group in the definition either
            }
            double sse = s[at + 1];
            double sst = s[at + 4] - Math.pow(s[at + 3], 2) / n;
            double mapeN = s[at + 5];
            for (int m = 0; m < metrics.size(); m++) {
                // RegressionMetrics.compute's expressions; ratio(a, b) is null unless b > 0
                Double v = switch (metrics.get(m)) {
                    case RegressionMetrics.RMSE -> Math.sqrt(sse / n);
                    case RegressionMetrics.MAE -> s[at + 2] / n;
                    case RegressionMetrics.R2 -> sst > 0 ? 1.0 - sse / sst : null;
                    case RegressionMetrics.MAPE -> mapeN > 0 ? s[at + 6] / mapeN : null;
                    default -> throw new IllegalStateException("no bootstrap pass for metric " + metrics.get(m));
                };
                if (v != null) {
                    values[m][counts[m]++] = v;
                }
            }
        }
        Object[] row = Arrays.copyOf(key.toArray(), key.size() + 2 * metrics.size());
        for (int m = 0; m < metrics.size(); m++) {
            double[] sorted = Arrays.copyOf(values[m], counts[m]);
            Arrays.sort(sorted);
            row[key.size() + 2 * m] = ClassificationBootstrap.percentile(sorted, 0.025);
            row[key.size() + 2 * m + 1] = ClassificationBootstrap.percentile(sorted, 0.975);
        }
        return RowFactory.create(row);
    }

    /** Per partition: each group's sums per replicate, one row per group ({@code keys} group key columns lead each row). */
    private record Sums(int keys, long seed, int replicates) implements MapPartitionsFunction<Row, Row> {

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            long[] limits = Bootstrap.poissonLimits();
            long seedHash = XXH64.hashLong(seed, 42L);   // xxhash64's first column, the seed, from Spark's default seed 42
            Map<List<Object>, double[]> groups = new HashMap<>();
            while (rows.hasNext()) {
                Row r = rows.next();
                List<Object> key = new ArrayList<>(keys);
                for (int i = 0; i < keys; i++) {
                    key.add(r.get(i));
                }
                double[] s = groups.computeIfAbsent(key, k -> new double[replicates * SUMS]);
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
                long idHash = XXH64.hashUTF8String(UTF8String.fromString(id), seedHash);
                // with every term finite, a replicate that did not draw the row (w = 0) adds exact zeros: no branch on
                // the weight, which would be mispredicted on a third of the draws
                boolean finite = Double.isFinite(squared) && Double.isFinite(y);
                for (int k = 0; k < replicates; k++) {
                    double w = Bootstrap.poissonWeight(XXH64.hashInt(k, idHash), limits);
                    if (!finite && w == 0.0) {
                        continue;
                    }
                    int at = k * SUMS;
                    s[at] += w;
                    s[at + 1] += w * squared;
                    s[at + 2] += w * absolute;
                    s[at + 3] += w * y;
                    s[at + 4] += w * y * y;
                    if (nonZero) {
                        s[at + 5] += w;
                        s[at + 6] += w * absolute / Math.abs(y);
                    }
                }
            }
            List<Row> out = new ArrayList<>();
            groups.forEach((key, s) -> {
                Object[] row = Arrays.copyOf(key.toArray(), keys + 1);
                row[keys] = scala.jdk.javaapi.CollectionConverters.asScala(Arrays.stream(s).boxed().toList()).toSeq();
                out.add(RowFactory.create(row));
            });
            return out.iterator();
        }
    }
}
