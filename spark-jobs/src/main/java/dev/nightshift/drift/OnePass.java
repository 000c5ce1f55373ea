package dev.nightshift.drift;

import dev.nightshift.contract.Columns;
import dev.nightshift.spark.Utf8Index;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * A night's row checks and drift profile from one read of its rows: every row is read once by a compiled Java loop
 * (Spark's generated projection feeds it the check bits, the hashes and the feature values) that counts the rows
 * failing each check, bins every numeric feature on its reference edges, counts every categorical feature's reference
 * categories, keeps the hash of every id and the sampled rows' numeric values; one small shuffle brings the id
 * hashes of a range together, where repeated ones are found, and the partial counts to the driver.
 *
 * <p>Why not Spark aggregations: a night's counts are a few hundred aggregate expressions, which Spark evaluated row
 * by row (their generated code is over the JVM's size limits, and the reasons array's lambda stops whole-stage code
 * generation), and the repeated ids needed an aggregation of their own, shuffling every id as a row. The profiling
 * benchmark's runs in docs/performance-log.md have the before and after.
 *
 * <p>Repeated ids are found by their 64-bit {@code xxhash64} hashes: two different ids share a hash with probability
 * about n²/2⁶⁵ on a night of n ids, so the hashes are candidates that the caller resolves exactly over the rows that
 * carry them (normally none). The quantile sketches are the exact quantiles ({@link QuantileSketch#exactQuantiles}) of
 * the rows {@link QuantileSketch#sampled} keeps: the same rule, the same hash, the same rows.
 */
public final class OnePass {

    private static final String SAMPLE_HASH = "__nightshift_sample_hash";
    private static final String ID_HASH = "__nightshift_id_hash";
    private static final int BITS_PER_WORD = 63;

    private OnePass() {
    }

    /**
     * The counts of one pass. {@code failing[i]} rows fail {@code conditions[i]}, {@code failingAny} fail at least one;
     * {@code repeatedIdHashes} are the sorted hashes ({@link #idHash}) that more than one row's id has (empty without an
     * id column); {@code profile} is the drift profile.
     */
    public record Result(long rows, long[] failing, long failingAny, long[] repeatedIdHashes, CurrentProfile profile) {
    }

    /** The 64-bit hash that ids are compared by: Spark's {@code xxhash64} of the id as a string. */
    public static Column idHash(Column id) {
        return xxhash64(id.cast("string"));
    }

    /**
     * One pass over {@code rows} ({@code total} of them, counted before: the sample's share depends on it): counts the rows
     * failing each of {@code conditions} (boolean columns over {@code rows}; a null condition is not a failure), finds the
     * repeated non-null values of {@code idColumn} (null: none) as hash candidates, and profiles the {@code numeric}
     * (double) and {@code categorical} (string) features, named as in {@code rows}, as {@link Profiling#current} does.
     * Rows are sampled by {@link QuantileSketch#sampleHash} of {@code rows} without the {@code notInSample} columns.
     */
    public static Result run(Dataset<Row> rows, long total, String idColumn, List<Column> conditions, List<String> notInSample,
                             List<ReferenceProfile.NumericProfile> numeric, List<ReferenceProfile.CategoricalProfile> categorical) {
        return run(rows, total, idColumn, conditions, notInSample, numeric, categorical, QuantileSketch.SAMPLE_ROWS);
    }

    /** As {@link #run(Dataset, long, String, List, List, List, List)} with a sample of about {@code sampleRows} rows (tests). */
    public static Result run(Dataset<Row> rows, long total, String idColumn, List<Column> conditions, List<String> notInSample,
                             List<ReferenceProfile.NumericProfile> numeric, List<ReferenceProfile.CategoricalProfile> categorical,
                             long sampleRows) {
        boolean sampling = total > sampleRows && !numeric.isEmpty();
        List<Column> select = new ArrayList<>();
        boolean sampleFromId = false;
        if (sampling) {
            Dataset<Row> keyed = rows.select(Arrays.stream(rows.columns()).filter(c -> !notInSample.contains(c))
                    .map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
            Column sampleHash = QuantileSketch.sampleHash(keyed);
            // A row with an id is sampled by its id's hash, which the id column below already computes: the projection
            // would hash the id twice (Spark does not share an expression between the branches of two CASEs), so the
            // loop takes that hash from the id column and this column is only computed for rows without an id.
            sampleFromId = Columns.ENTITY_ID.equals(idColumn) && Arrays.asList(keyed.columns()).contains(Columns.ENTITY_ID);
            if (sampleFromId) {
                sampleHash = when(col(idColumn).isNull(), sampleHash);
            }
            select.add(sampleHash.as(SAMPLE_HASH));
        }
        if (idColumn != null) {
            select.add(when(col(idColumn).isNull(), lit(null).cast("long")).otherwise(idHash(col(idColumn))).as(ID_HASH));
        }
        int words = (conditions.size() + BITS_PER_WORD - 1) / BITS_PER_WORD;
        for (int w = 0; w < words; w++) {
            Column bits = lit(0L);
            for (int i = w * BITS_PER_WORD; i < Math.min(conditions.size(), (w + 1) * BITS_PER_WORD); i++) {
                bits = bits.bitwiseOR(when(conditions.get(i), lit(1L << (i - w * BITS_PER_WORD))).otherwise(lit(0L)));
            }
            select.add(bits.as("__nightshift_bits_" + w));
        }
        numeric.forEach(p -> select.add(col(p.name()).cast("double")));
        categorical.forEach(p -> select.add(col(p.name()).cast("string")));

        Layout layout = new Layout(sampling, sampleFromId, idColumn != null, conditions.size(), words,
                numeric.stream().map(ReferenceProfile.NumericProfile::binEdges).toArray(double[][]::new),
                categorical.stream().map(p -> p.categories().keySet().toArray(String[]::new)).toArray(String[][]::new),
                sampling ? QuantileSketch.threshold(total, sampleRows) : Long.MAX_VALUE);
        JavaRDD<InternalRow> internal = rows.select(select.toArray(Column[]::new)).queryExecution().toRdd().toJavaRDD();
        int reducers = reducers(rows.sparkSession(), internal.getNumPartitions());
        return finish(internal.mapPartitionsWithIndex((index, it) -> layout.map(index, it, reducers), false), reducers, total,
                layout.empty(), numeric, categorical);
    }

    /** How many reducers find the repeated id hashes of a pass over {@code partitions} partitions. */
    static int reducers(org.apache.spark.sql.SparkSession spark, int partitions) {
        return Math.max(1, Math.min(partitions, spark.sessionState().conf().numShufflePartitions()));
    }

    /**
     * The end of a pass: {@code mapped} holds each task's {@link #emit} output; its id hashes meet by range in
     * {@code reducers} reducers, which find the repeated ones, and the counts are merged into {@code counts} (empty).
     */
    static Result finish(JavaRDD<Tuple2<Integer, Object>> mapped, int reducers, long total, Partial counts,
                         List<ReferenceProfile.NumericProfile> numeric, List<ReferenceProfile.CategoricalProfile> categorical) {
        List<Reduced> reduced = mapped.mapToPair(t -> t)
                .partitionBy(new HashPartitioner(reducers))
                .mapPartitions(it -> List.of(Reduced.of(it)).iterator())
                .collect();
        List<long[]> repeated = new ArrayList<>();
        for (Reduced r : reduced) {
            counts.merge(r.partial);
            repeated.add(r.repeated);
        }
        if (counts.rows != total) {
            throw new IllegalStateException("the night's rows changed while they were read: " + total + " counted, then "
                    + counts.rows + " profiled");
        }
        long[] hashes = repeated.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(counts.rows, counts.failing, counts.failingAny, hashes, counts.profile(numeric, categorical));
    }

    /**
     * What one task of a pass sends to the reducers: its counts to reducer {@code partition % reducers}, and its id
     * hashes (null: no id column) to the reducers of their ranges, block by block.
     */
    static Iterator<Tuple2<Integer, Object>> emit(int partition, Partial counts, HashBlocks idHashes, int reducers) {
        List<Tuple2<Integer, Object>> out = new ArrayList<>();
        out.add(new Tuple2<>(partition % reducers, counts));
        if (idHashes != null) {
            idHashes.emit(out);
        }
        return out.iterator();
    }

    /** Where each value sits in the projected rows, and what the loop compares it with. Shipped to every task. */
    private record Layout(boolean sampling, boolean sampleFromId, boolean ids, int conditions, int words, double[][] edges, String[][] categories,
                          long below) implements Serializable {

        Partial empty() {
            return new Partial(conditions, edges, categories);
        }

        Iterator<Tuple2<Integer, Object>> map(int partition, Iterator<InternalRow> rows, int reducers) {
            Partial p = empty();
            Utf8Index[] lookup = Arrays.stream(categories).map(Utf8Index::new).toArray(Utf8Index[]::new);
            BinIndex[] binIndex = Arrays.stream(edges).map(BinIndex::new).toArray(BinIndex[]::new);
            HashBlocks idHashes = ids ? HashBlocks.byReducer(reducers) : null;
            int numericAt = (sampling ? 1 : 0) + (ids ? 1 : 0) + words;
            int categoricalAt = numericAt + edges.length;
            double[] values = new double[edges.length];
            while (rows.hasNext()) {
                InternalRow r = rows.next();
                p.rows++;
                int at = sampling ? 1 : 0;
                boolean hasId = false;
                long idHash = 0;
                if (ids) {
                    if (!r.isNullAt(at)) {
                        hasId = true;
                        idHash = r.getLong(at);
                        idHashes.add(idHash);
                    }
                    at++;
                }
                // QuantileSketch.sampleHash: the id's hash when the row has an id, else the projected column's
                boolean sampled = !sampling || (sampleFromId && hasId ? idHash & Long.MAX_VALUE : r.getLong(0)) < below;
                boolean fails = false;
                for (int w = 0; w < words; w++) {
                    long bits = r.getLong(at + w);
                    if (bits != 0) {
                        fails = true;
                        for (long b = bits; b != 0; b &= b - 1) {
                            p.failing[w * BITS_PER_WORD + Long.numberOfTrailingZeros(b)]++;
                        }
                    }
                }
                if (fails) {
                    p.failingAny++;
                }
                for (int f = 0; f < edges.length; f++) {
                    if (r.isNullAt(numericAt + f)) {
                        values[f] = Double.NaN;
                        continue;
                    }
                    double x = r.getDouble(numericAt + f);
                    values[f] = x;
                    p.numericCount[f]++;
                    p.bins[f][binIndex[f].of(x)]++;
                }
                if (sampled) {
                    p.sample(values);
                }
                for (int f = 0; f < categories.length; f++) {
                    if (r.isNullAt(categoricalAt + f)) {
                        continue;
                    }
                    p.categoricalCount[f]++;
                    int k = lookup[f].indexOf(r.getUTF8String(categoricalAt + f));
                    if (k >= 0) {
                        p.categoryCounts[f][k]++;
                    }
                }
            }
            return emit(partition, p, idHashes, reducers);
        }
    }

    /** The reducer of a hash, from its high bits. */
    static int bucket(long hash, int reducers) {
        return (int) ((((hash >> 32) + 0x80000000L) * reducers) >>> 32);
    }

    /** Bin of x on interior edges e, as {@link Profiling#binIndex}: 0 when x &le; e[0], i when e[i-1] &lt; x &le; e[i], e.length above. */
    static int bin(double x, double[] e) {
        // the number of edges below x; a scan without a branch to mispredict (a night has ten edges or so), where a
        // binary search's branches go either way at random
        int b = 0;
        for (double edge : e) {
            b += x > edge ? 1 : 0;
        }
        return b;
    }

    /**
     * {@link #bin} on fixed edges, in a few instructions whatever their number: a grid of {@link #CELLS} equal cells
     * between the lowest and the highest edge says for each cell how many edges lie in cells below it, which are
     * below every value in the cell, since the cell is a monotone function of the value (a subtraction and a
     * multiplication, each rounded monotonically, then clamped); only the edges in the value's own cell are compared
     * with it. Most cells hold no edge or one, kept beside the count, and a finite value is compared with it by the
     * sign of their difference, without a branch: the lowest and the highest cell take every value beyond the edges
     * (a fifth of them with deciles for edges), and a branch on those comparisons went either way at random. Cells
     * with more edges (or a NaN one) and non-finite values compare edge by edge. Exactly {@link #bin}'s count
     * for every value and any edges (unsorted, repeated, infinite, NaN); {@code BinIndexTest} checks so. The linear
     * scan it replaces was a quarter of the column pass's samples.
     */
    static final class BinIndex {
        static final int CELLS = 1024;
        private final double[] edges;
        private final double low;
        private final double scale;
        private final int[] below;
        /** Per cell: its one edge (+0.0 for either zero), +∞ when it has none, NaN when it has more (or its one is NaN). */
        private final double[] edge;

        BinIndex(double[] edges) {
            // the count of edges below x does not depend on their order; NaN sorts last and is below no value
            this.edges = edges.clone();
            Arrays.sort(this.edges);
            int m = this.edges.length;
            double range = m == 0 ? 0 : this.edges[m - 1] - this.edges[0];
            double s = CELLS / range;
            boolean grid = m > 0 && Double.isFinite(this.edges[0]) && Double.isFinite(range) && range > 0 && Double.isFinite(s);
            low = grid ? this.edges[0] : 0; // otherwise every value is in cell 0 and compared with every edge
            scale = grid ? s : 0;
            below = new int[CELLS];
            edge = new double[CELLS];
            int k = 0;
            for (int c = 0; c < CELLS; c++) {
                while (k < m && cell(this.edges[k]) < c) {
                    k++;
                }
                below[c] = k;
                int j = k;
                while (j < m && cell(this.edges[j]) == c) {
                    j++;
                }
                // x > -0.0 and x > 0.0 agree for every x, and +0.0 - x is +0.0 for either zero (-0.0 - 0.0 would be -0.0)
                edge[c] = j == k ? Double.POSITIVE_INFINITY : j == k + 1 ? this.edges[k] + 0.0 : Double.NaN;
            }
        }

        private int cell(double x) {
            int c = (int) ((x - low) * scale); // NaN (x NaN, or ∞ times 0) is 0; beyond int's range, its bound
            return Math.min(Math.max(c, 0), CELLS - 1);
        }

        /** {@link #bin}{@code (x, edges)}. */
        int of(double x) {
            int c = cell(x);
            int b = below[c];
            double e = edge[c];
            if (e == e && Double.isFinite(x)) {
                // e - x is negative exactly when x > e: two different finite doubles never subtract to zero, x - x is
                // +0.0, an overflow keeps the sign, and an infinite e gives itself
                return b + (int) (Double.doubleToRawLongBits(e - x) >>> 63);
            }
            while (b < edges.length && x > edges[b]) {
                b++;
            }
            return b;
        }
    }

    /** Counts of some rows; merged across tasks. */
    static final class Partial implements Serializable {
        long rows;
        long failingAny;
        final long[] failing;
        final long[] numericCount;
        final long[][] bins;
        final long[] categoricalCount;
        final long[][] categoryCounts;
        /** Sampled non-null values per numeric feature, {@code sampleSize[f]} of them. */
        final double[][] sample;
        final int[] sampleSize;

        /** Empty counts for {@code conditions} checks, numeric features binned on {@code edges}, {@code categories}. */
        Partial(int conditions, double[][] edges, String[][] categories) {
            failing = new long[conditions];
            numericCount = new long[edges.length];
            bins = Arrays.stream(edges).map(e -> new long[e.length + 1]).toArray(long[][]::new);
            categoricalCount = new long[categories.length];
            categoryCounts = Arrays.stream(categories).map(c -> new long[c.length]).toArray(long[][]::new);
            sample = new double[edges.length][16];
            sampleSize = new int[edges.length];
        }

        void sample(double[] values) {
            for (int f = 0; f < values.length; f++) {
                if (!Double.isNaN(values[f])) {
                    add(f, values[f]);
                }
            }
        }

        /** Adds x to feature f's sampled values. */
        void add(int f, double x) {
            if (sampleSize[f] == sample[f].length) {
                sample[f] = Arrays.copyOf(sample[f], sample[f].length * 2);
            }
            sample[f][sampleSize[f]++] = x;
        }

        /** Appends the first {@code n} of {@code values} to feature f's sampled values, in one copy. */
        private void append(int f, double[] values, int n) {
            if (sampleSize[f] + n > sample[f].length) {
                sample[f] = Arrays.copyOf(sample[f], Math.max(sample[f].length * 2, sampleSize[f] + n));
            }
            System.arraycopy(values, 0, sample[f], sampleSize[f], n);
            sampleSize[f] += n;
        }

        void merge(Partial o) {
            if (o == null) {
                return;
            }
            rows += o.rows;
            failingAny += o.failingAny;
            add(failing, o.failing);
            add(numericCount, o.numericCount);
            add(categoricalCount, o.categoricalCount);
            for (int f = 0; f < bins.length; f++) {
                add(bins[f], o.bins[f]);
                append(f, o.sample[f], o.sampleSize[f]);
            }
            for (int f = 0; f < categoryCounts.length; f++) {
                add(categoryCounts[f], o.categoryCounts[f]);
            }
        }

        private static void add(long[] into, long[] from) {
            for (int i = 0; i < into.length; i++) {
                into[i] += from[i];
            }
        }

        CurrentProfile profile(List<ReferenceProfile.NumericProfile> numeric, List<ReferenceProfile.CategoricalProfile> categorical) {
            Map<String, CurrentProfile.NumericSummary> n = new HashMap<>();
            // the driver selects the 101 ranks of each feature's sample (200,000 values at most): on every core, a feature each
            double[][] quantiles = new double[numeric.size()][];
            java.util.stream.IntStream.range(0, numeric.size()).parallel().forEach(f -> quantiles[f] = sampleSize[f] == 0 ? new double[0]
                    : QuantileSketch.selectedQuantiles(sample[f], sampleSize[f]));
            for (int f = 0; f < numeric.size(); f++) {
                n.put(numeric.get(f).name(), new CurrentProfile.NumericSummary(numericCount[f], rows - numericCount[f], bins[f], quantiles[f]));
            }
            Map<String, CurrentProfile.CategoricalSummary> c = new HashMap<>();
            for (int f = 0; f < categorical.size(); f++) {
                long seen = Arrays.stream(categoryCounts[f]).sum();
                c.put(categorical.get(f).name(), new CurrentProfile.CategoricalSummary(categoricalCount[f], rows - categoricalCount[f],
                        categoryCounts[f], categoricalCount[f] - seen));
            }
            return new CurrentProfile(rows, n, c);
        }
    }

    /** What one reducer found: the hashes of its range that occur more than once, and the merged counts it received. */
    private record Reduced(long[] repeated, Partial partial) implements Serializable {

        static Reduced of(Iterator<Tuple2<Integer, Object>> it) {
            Partial merged = null;
            List<long[]> blocks = new ArrayList<>();
            while (it.hasNext()) {
                Object v = it.next()._2();
                if (v instanceof long[] hashes) {
                    blocks.add(hashes);
                } else if (merged == null) {
                    merged = (Partial) v;
                } else {
                    merged.merge((Partial) v);
                }
            }
            return new Reduced(RepeatedHashes.repeated(blocks), merged);
        }
    }
}
