package dev.nightshift.evaluation;

import dev.nightshift.contract.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static dev.nightshift.evaluation.ClassificationMetrics.WEIGHT;
import static dev.nightshift.evaluation.ClassificationMetrics.cols;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * Seeded Poisson bootstrap computed in Spark as an aggregation: every row appears in each replicate r with a
 * Poisson(1) weight drawn from {@code xxhash64(seed, entity_id, r)}, the metric is computed per (group, r) by the same
 * weighted aggregation as the estimate, and the 2.5% and 97.5% percentiles of the replicate values form the interval.
 * No row reaches the driver; the cost is {@code replicates} times one weighted aggregation. The weights depend only on
 * the seed, the entity id and the replicate, so the same inputs give the same interval whatever the partitioning.
 * {@link #intervals} is the definition: evaluation computes the same intervals in one pass
 * ({@link ClassificationBootstrap}, {@link RegressionBootstrap}), and tests check them against it.
 */
public final class Bootstrap {

    public static final String REPLICATE = "__ns_replicate";
    public static final int DEFAULT_REPLICATES = 200;
    /** Poisson(1) values above this have probability below 1e-10; they are folded into it. */
    static final int MAX_WEIGHT = 13;
    /** 2^53: u = (hash >>> 11) / 2^53 is uniform on [0, 1) with a double's full precision. */
    private static final double TWO_TO_53 = 9007199254740992.0;

    private Bootstrap() {
    }

    /** Suffixes of the interval columns {@link #intervals} returns for each metric. */
    public static String low(String metric) {
        return metric + "_lo";
    }

    public static String high(String metric) {
        return metric + "_hi";
    }

    /** One copy of each row per replicate with weight {@code > 0} in {@link ClassificationMetrics#WEIGHT}. */
    public static Dataset<Row> replicate(Dataset<Row> rows, long seed, int replicates) {
        if (replicates <= 0) {
            throw new IllegalArgumentException("replicates must be positive, got " + replicates);
        }
        Dataset<Row> copies = rows.drop(WEIGHT).withColumn(REPLICATE, explode(sequence(lit(0), lit(replicates - 1))));
        Column uniform = shiftrightunsigned(xxhash64(lit(seed), col(Columns.ENTITY_ID), col(REPLICATE)), 11)
                .cast("double").divide(TWO_TO_53);
        return copies.withColumn(WEIGHT, poisson1(uniform)).where(col(WEIGHT).gt(0));
    }

    /**
     * The percentile intervals per group of {@code metrics}, computed by {@code statistic} (a weighted aggregation
     * taking rows and group keys) over the replicates of {@code rows}.
     */
    public static Dataset<Row> intervals(Dataset<Row> rows, List<String> groupKeys, List<String> metrics, long seed, int replicates,
                                         BiFunction<Dataset<Row>, List<String>, Dataset<Row>> statistic) {
        List<String> keys = new ArrayList<>(groupKeys);
        keys.add(REPLICATE);
        Dataset<Row> perReplicate = statistic.apply(replicate(rows, seed, replicates), keys);
        List<Column> aggregates = new ArrayList<>();
        for (String m : metrics) {
            aggregates.add(percentile(col(m), array(lit(0.025), lit(0.975))).as(m));
        }
        Dataset<Row> percentiles = perReplicate.groupBy(cols(groupKeys))
                .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
        List<Column> out = new ArrayList<>(List.of(cols(groupKeys)));
        for (String m : metrics) {
            out.add(col(m).getItem(0).as(low(m)));
            out.add(col(m).getItem(1).as(high(m)));
        }
        return percentiles.select(out.toArray(Column[]::new));
    }

    /** Inverse of the Poisson(1) distribution function at {@code u} in [0, 1), over {@link #poissonThresholds}. */
    static Column poisson1(Column u) {
        double[] cdf = poissonThresholds();
        Column k = when(u.lt(cdf[0]), lit(0.0));
        for (int i = 1; i < cdf.length; i++) {
            k = k.when(u.lt(cdf[i]), lit((double) i));
        }
        return k.otherwise(lit((double) MAX_WEIGHT));
    }

    /** The Poisson(1) distribution function at 0 .. {@link #MAX_WEIGHT} - 1. */
    static double[] poissonThresholds() {
        double[] cdf = new double[MAX_WEIGHT];
        double term = Math.exp(-1);
        cdf[0] = term;
        for (int i = 1; i < MAX_WEIGHT; i++) {
            term /= i;
            cdf[i] = cdf[i - 1] + term;
        }
        return cdf;
    }

    /**
     * {@link #poissonThresholds} on the scale of the hash's top 53 bits: limit k is the least {@code x} with
     * {@code x / 2^53 >= cdf[k]}. {@code u = x / 2^53} and {@code cdf[k] * 2^53} are exact (scaling by a power of two), so
     * {@code u < cdf[k]} exactly when {@code x < limit k}.
     */
    static long[] poissonLimits() {
        double[] cdf = poissonThresholds();
        long[] limits = new long[cdf.length];
        for (int k = 0; k < cdf.length; k++) {
            limits[k] = (long) Math.ceil(cdf[k] * TWO_TO_53);
        }
        return limits;
    }

    /**
     * {@link #poisson1(Column)} for a row whose {@code xxhash64(seed, entity_id, replicate)} is {@code hash} ({@link
     * #replicate} draws {@code u} from the hash's top 53 bits): the number of limits ({@link #poissonLimits}) those bits
     * reach, counted without a branch for the first three (92% of draws are 0, 1 or 2; a branch per comparison would
     * be mispredicted on a third of them), the rare rest one by one. For the passes that draw one weight per row and
     * replicate.
     */
    static int poissonWeight(long hash, long[] limits) {
        long x = hash >>> 11;
        // (limit - 1 - x) is negative, its sign bit 1, exactly when x >= limit; both are below 2^53, so no overflow
        int w = (int) ((limits[0] - 1 - x) >>> 63) + (int) ((limits[1] - 1 - x) >>> 63) + (int) ((limits[2] - 1 - x) >>> 63);
        while (w < limits.length && x >= limits[w]) {   // 3 or more: 8% of draws, 4 or more 1.9%
            w++;
        }
        return w;
    }
}
