package dev.nightshift.drift;

import dev.nightshift.contract.FeatureType;
import dev.nightshift.input.InputFrames;
import dev.nightshift.registry.ModelFeature;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

/**
 * Summarizes frames for drift, all features at once: a reference profile of training rows (two aggregations: the
 * first gives moments and quantile sketches, from which the bin edges come; the second counts bins and categories
 * together), and a night's rows against that profile (a row count, then one pass: {@link OnePass}). Only one row per aggregation, or one per
 * (feature, bin or category), reaches the driver.
 */
public final class Profiling {

    private Profiling() {
    }

    /**
     * The reference profile of model-frame rows (numeric features as double, categorical as string) and of the
     * model's training outputs ({@code outputColumn} of {@code outputs}).
     */
    public static ReferenceProfile reference(Dataset<Row> rows, List<ModelFeature> features, int bins,
                                             Dataset<Row> outputs, String outputColumn) {
        List<String> numeric = names(features, FeatureType.NUMERIC);
        List<String> categorical = names(features, FeatureType.CATEGORICAL);
        // as for a night (DriftJob): NaN and ±Infinity are missing values, not points of the distribution; training
        // rows are not validated, so a window holding a night with such bad rows would otherwise poison the sketches
        Parts parts = profile(DriftJob.nonFiniteAsNull(rows, features), numeric, categorical, bins);
        Parts output = profile(outputs, List.of(outputColumn), List.of(), bins);
        return new ReferenceProfile(ReferenceProfile.FORMAT_VERSION, parts.rows, bins, QuantileSketch.ACCURACY,
                parts.numeric, parts.categorical, output.numeric.get(0));
    }

    private record Parts(long rows, List<ReferenceProfile.NumericProfile> numeric, List<ReferenceProfile.CategoricalProfile> categorical) {
    }

    private static Parts profile(Dataset<Row> rows, List<String> numeric, List<String> categorical, int bins) {
        if (bins < 2) {
            throw new IllegalArgumentException("monitoring.drift.bins must be at least 2, got " + bins);
        }
        // Pass 1: moments and sketches of every numeric feature, non-null counts of every categorical one.
        List<Column> aggs = new ArrayList<>();
        for (String f : numeric) {
            Column c = col(f);
            aggs.add(count(c));
            aggs.add(avg(c));
            aggs.add(stddev_samp(c));
            aggs.add(min(c));
            aggs.add(max(c));
            aggs.add(sketch(c));
        }
        for (String f : categorical) {
            aggs.add(count(col(f)));
        }
        Row r = rows.agg(count(lit(1)), aggs.toArray(Column[]::new)).first();
        long total = r.getLong(0);
        int i = 1;
        Map<String, double[]> edges = new LinkedHashMap<>();
        Map<String, Object[]> moments = new HashMap<>();
        for (String f : numeric) {
            long n = r.getLong(i);
            Double mean = nullableDouble(r, i + 1);
            Double std = nullableDouble(r, i + 2);
            Double lo = nullableDouble(r, i + 3);
            Double hi = nullableDouble(r, i + 4);
            double[] quantiles = r.isNullAt(i + 5) ? new double[0] : doubles(r.getList(i + 5));
            i += 6;
            edges.put(f, quantiles.length == 0 ? new double[0] : QuantileSketch.binEdges(quantiles, bins));
            moments.put(f, new Object[] {n, mean, std, lo, hi, quantiles});
        }
        Map<String, Long> categoricalCounts = new HashMap<>();
        for (String f : categorical) {
            categoricalCounts.put(f, r.getLong(i++));
        }

        // Pass 2: bins of every numeric feature and categories of every categorical one, as (feature, value) counts.
        List<Column> pairs = new ArrayList<>();
        for (String f : numeric) {
            pairs.add(struct(lit(f).as("f"), binIndex(col(f), edges.get(f)).cast("string").as("v")));
        }
        for (String f : categorical) {
            pairs.add(struct(lit(f).as("f"), col(f).cast("string").as("v")));
        }
        Map<String, Map<String, Long>> counts = new HashMap<>();
        if (!pairs.isEmpty()) {
            for (Row c : rows.select(explode(array(pairs.toArray(Column[]::new))).as("p"))
                    .groupBy(col("p.f"), col("p.v")).agg(count(lit(1))).collectAsList()) {
                counts.computeIfAbsent(c.getString(0), k -> new HashMap<>()).put(c.isNullAt(1) ? null : c.getString(1), c.getLong(2));
            }
        }

        List<ReferenceProfile.NumericProfile> numericProfiles = new ArrayList<>();
        for (String f : numeric) {
            Object[] m = moments.get(f);
            double[] e = edges.get(f);
            Map<String, Long> byBin = counts.getOrDefault(f, Map.of());
            long[] binCounts = new long[e.length + 1];
            for (int b = 0; b < binCounts.length; b++) {
                binCounts[b] = byBin.getOrDefault(Integer.toString(b), 0L);
            }
            long n = (Long) m[0];
            numericProfiles.add(new ReferenceProfile.NumericProfile(f, n, total - n, (Double) m[1], (Double) m[2], (Double) m[3],
                    (Double) m[4], e, binCounts, (double[]) m[5]));
        }
        List<ReferenceProfile.CategoricalProfile> categoricalProfiles = new ArrayList<>();
        for (String f : categorical) {
            Map<String, Long> values = new TreeMap<>();
            counts.getOrDefault(f, Map.of()).forEach((v, n) -> {
                if (v != null) {
                    values.put(v, n);
                }
            });
            long n = categoricalCounts.get(f);
            categoricalProfiles.add(new ReferenceProfile.CategoricalProfile(f, n, total - n, values));
        }
        return new Parts(total, numericProfiles, categoricalProfiles);
    }

    /**
     * What a night's drift profile is computed against: the features of the model version (the model frame's
     * columns) and its reference profile's numeric and categorical profiles (pii features have none).
     */
    public record Request(List<ModelFeature> features, List<ReferenceProfile.NumericProfile> numeric,
                          List<ReferenceProfile.CategoricalProfile> categorical) {
        public Request {
            features = List.copyOf(features);
            numeric = List.copyOf(numeric);
            categorical = List.copyOf(categorical);
        }

        public static Request of(List<ModelFeature> features, ReferenceProfile reference) {
            return new Request(features, reference.numeric(), reference.categorical());
        }
    }

    /**
     * Whether a night summarized against {@code a} is summarized against {@code b} too: the same numeric features
     * with the same bin edges, the same categorical features with the same categories, the same prediction bins.
     */
    public static boolean sameBins(ReferenceProfile a, ReferenceProfile b) {
        if (a.numeric().size() != b.numeric().size() || a.categorical().size() != b.categorical().size()
                || !sameBins(a.prediction(), b.prediction())) {
            return false;
        }
        for (int i = 0; i < a.numeric().size(); i++) {
            if (!sameBins(a.numeric().get(i), b.numeric().get(i))) {
                return false;
            }
        }
        for (int i = 0; i < a.categorical().size(); i++) {
            ReferenceProfile.CategoricalProfile x = a.categorical().get(i);
            ReferenceProfile.CategoricalProfile y = b.categorical().get(i);
            if (!x.name().equals(y.name()) || !x.categories().keySet().equals(y.categories().keySet())) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameBins(ReferenceProfile.NumericProfile x, ReferenceProfile.NumericProfile y) {
        return x.name().equals(y.name()) && java.util.Arrays.equals(x.binEdges(), y.binEdges());
    }

    /**
     * A night's model-frame rows against a reference profile: per numeric feature the non-null count, the counts on the
     * reference bins and the quantile sketch; per categorical feature the non-null count and the count of each reference
     * category. A row count, then one pass over the rows ({@link OnePass}): meant for cached rows or a cheap read.
     */
    public static CurrentProfile current(Dataset<Row> rows, List<ReferenceProfile.NumericProfile> numeric,
                                         List<ReferenceProfile.CategoricalProfile> categorical) {
        return OnePass.run(rows, rows.count(), null, List.of(), List.of(), numeric, categorical).profile();
    }

    /**
     * The night's frame as drift profiles it: the model frame of {@code raw} (the id, the features cast to their model
     * types, then {@code extra} columns as they are) with NaN and ±Infinity as nulls ({@link DriftJob#nonFiniteAsNull}).
     */
    public static Dataset<Row> nightFrame(Dataset<Row> raw, String idColumn, List<ModelFeature> features, String... extra) {
        return DriftJob.nonFiniteAsNull(InputFrames.toModelFrame(raw, idColumn, features, extra), features);
    }

    /** Bin of x on interior edges e: 0 when x &le; e[0], i when e[i-1] &lt; x &le; e[i], e.length above; null for null. */
    static Column binIndex(Column x, double[] edges) {
        Column bin = lit(edges.length);
        for (int b = edges.length - 1; b >= 0; b--) {
            bin = when(x.leq(edges[b]), b).otherwise(bin);
        }
        return when(x.isNull(), lit(null).cast("int")).otherwise(bin);
    }

    private static Column sketch(Column c) {
        double[] p = QuantileSketch.probabilities();
        Column[] lits = new Column[p.length];
        for (int k = 0; k < p.length; k++) {
            lits[k] = lit(p[k]);
        }
        return percentile_approx(c, array(lits), lit(QuantileSketch.ACCURACY));
    }

    private static List<String> names(List<ModelFeature> features, FeatureType type) {
        return features.stream().filter(f -> f.type() == type).map(ModelFeature::name).toList();
    }

    private static double[] doubles(List<Object> values) {
        return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    private static Double nullableDouble(Row r, int i) {
        return r.isNullAt(i) ? null : ((Number) r.get(i)).doubleValue();
    }
}
