package dev.nightshift.drift;

import dev.nightshift.contract.FeatureType;
import dev.nightshift.registry.ModelFeature;
import dev.nightshift.spark.Utf8Index;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.sql.catalyst.expressions.XxHash64;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SQLExecution$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.vectorized.Dictionary;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.io.Serializable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link OnePass} over column batches: when the night's rows come from a source that Spark reads as column batches
 * (Parquet and Delta files through the vectorized reader, partition filters included; a cache whose columns are all
 * primitive, as Spark's cache serves no batches with strings), the row checks, the id hashes and the drift
 * profile are computed column by column over each batch, in Java, from the values as the source holds them: no
 * projection of every row into Spark's row format, and a categorical value of a dictionary-encoded column is looked up
 * once per batch, not once per row. Same counts, same hashes, same sample as {@link OnePass#run}, which is the
 * fallback for every other source and type (and what {@code ColumnarPassTest} compares this with).
 *
 * <p>The semantics are those of the row path's Spark expressions: a numeric value is the column's value cast to double
 * (byte, short, int, long, float, double columns; others fall back), NaN and ±∞ are non-finite and, for drift, null;
 * an id is hashed as {@code xxhash64} of its string form (string, byte, short, int or long ids); categories compare
 * as bytes (plain {@code STRING} columns only, no collation).
 */
public final class ColumnarPass {

    private static final Logger log = LoggerFactory.getLogger(ColumnarPass.class);

    private ColumnarPass() {
    }

    /** One row check, failing when the column's value is null, non-finite, outside [min, max] or not among {@code categories}. */
    public record Check(Kind kind, String column, double min, double max, Set<String> categories) implements Serializable {
        public enum Kind { NULL, NON_FINITE, OUT_OF_RANGE, UNSEEN_CATEGORY }

        public static Check isNull(String column) {
            return new Check(Kind.NULL, column, 0, 0, null);
        }

        public static Check nonFinite(String column) {
            return new Check(Kind.NON_FINITE, column, 0, 0, null);
        }

        /** Null bounds are open. */
        public static Check outOfRange(String column, Double min, Double max) {
            return new Check(Kind.OUT_OF_RANGE, column, min == null ? Double.NEGATIVE_INFINITY : min,
                    max == null ? Double.POSITIVE_INFINITY : max, null);
        }

        public static Check unseenCategory(String column, Set<String> categories) {
            return new Check(Kind.UNSEEN_CATEGORY, column, 0, 0, Set.copyOf(categories));
        }
    }

    /**
     * The pass of {@link OnePass#run} over {@code input} ({@code total} rows), with {@code checks} in place of its
     * conditions and the drift profile of {@code features} (as {@link Profiling#nightFrame} casts them; the numeric and
     * categorical profiles name some of them) when {@code features} is not empty; or empty when {@code input} is not
     * read as column batches or has a type this pass does not read (the caller then runs {@link OnePass#run}).
     */
    public static Optional<OnePass.Result> run(Dataset<Row> input, long total, String idColumn, List<Check> checks,
                                               List<ModelFeature> features, List<ReferenceProfile.NumericProfile> numeric,
                                               List<ReferenceProfile.CategoricalProfile> categorical) {
        return run(input, total, idColumn, checks, features, numeric, categorical, QuantileSketch.SAMPLE_ROWS);
    }

    static Optional<OnePass.Result> run(Dataset<Row> input, long total, String idColumn, List<Check> checks,
                                        List<ModelFeature> features, List<ReferenceProfile.NumericProfile> numeric,
                                        List<ReferenceProfile.CategoricalProfile> categorical, long sampleRows) {
        return run(input, total, idColumn, true, checks, features, numeric, categorical, sampleRows);
    }

    /**
     * {@link Profiling#current} of the night's input {@code raw} (as read, with its id column {@code idColumn}) for the
     * model {@code features}, read once as column batches without caching (the rows counted first, from the files'
     * metadata where the format keeps it), or empty when {@code raw} is not read as column batches: the same profile as
     * {@link Profiling#current} over {@link Profiling#nightFrame}, without the repeated ids.
     */
    public static Optional<CurrentProfile> profile(Dataset<Row> raw, String idColumn, List<ModelFeature> features,
                                                   List<ReferenceProfile.NumericProfile> numeric,
                                                   List<ReferenceProfile.CategoricalProfile> categorical) {
        return profile(raw, idColumn, features, numeric, categorical, QuantileSketch.SAMPLE_ROWS);
    }

    static Optional<CurrentProfile> profile(Dataset<Row> raw, String idColumn, List<ModelFeature> features,
                                            List<ReferenceProfile.NumericProfile> numeric,
                                            List<ReferenceProfile.CategoricalProfile> categorical, long sampleRows) {
        return run(raw, -1, idColumn, false, List.of(), features, numeric, categorical, sampleRows).map(OnePass.Result::profile);
    }

    /** {@code total} below 0: counted here, once the input is known to be read as column batches. */
    private static Optional<OnePass.Result> run(Dataset<Row> input, long total, String idColumn, boolean repeatedIds,
                                                List<Check> checks, List<ModelFeature> features,
                                                List<ReferenceProfile.NumericProfile> numeric,
                                                List<ReferenceProfile.CategoricalProfile> categorical, long sampleRows) {
        Map<String, Integer> at = new LinkedHashMap<>();
        at.put(idColumn, 0);
        checks.forEach(c -> at.putIfAbsent(c.column(), at.size()));
        features.forEach(f -> at.putIfAbsent(f.name(), at.size()));
        numeric.forEach(p -> at.putIfAbsent(p.name(), at.size()));
        categorical.forEach(p -> at.putIfAbsent(p.name(), at.size()));
        Dataset<Row> selected = input.select(at.keySet().stream().map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new));
        DataType[] types = Arrays.stream(selected.schema().fields()).map(f -> f.dataType()).toArray(DataType[]::new);
        int[] codes = Arrays.stream(types).mapToInt(ColumnarPass::typeCode).toArray();
        String unsupported = unsupported(at, types, codes, idColumn, checks, features, numeric, categorical);
        Source source = unsupported == null ? source(selected) : null;
        if (source == null) {
            log.info("the pass reads rows: {}", unsupported != null ? unsupported
                    : "the input is not read as column batches (" + selected.queryExecution().executedPlan().nodeName() + ")");
            return Optional.empty();
        }
        log.info("the pass reads column batches from {}", source.plan().nodeName());
        if (total < 0) {
            total = dev.nightshift.input.FooterCount.count(selected);
        }

        boolean sampling = total > sampleRows && !numeric.isEmpty();
        Layout layout = new Layout(source.index(), codes, checks.toArray(Check[]::new), at,
                features.stream().mapToInt(f -> at.get(f.name())).toArray(), numericFlags(features),
                numeric.stream().map(p -> at.get(p.name())).mapToInt(Integer::intValue).toArray(),
                numeric.stream().map(ReferenceProfile.NumericProfile::binEdges).toArray(double[][]::new),
                categorical.stream().map(p -> at.get(p.name())).mapToInt(Integer::intValue).toArray(),
                categorical.stream().map(p -> p.categories().keySet().toArray(String[]::new)).toArray(String[][]::new),
                sampling, sampling ? QuantileSketch.threshold(total, sampleRows) : Long.MAX_VALUE, repeatedIds);
        JavaRDD<ColumnarBatch> batches = source.plan().executeColumnar().toJavaRDD();
        int reducers = OnePass.reducers(input.sparkSession(), batches.getNumPartitions());
        long rows = total;
        // as a query of its own, so that Spark's UI, its SQL metrics and query listeners see the scan like any other
        scala.Function0<OnePass.Result> pass = () -> OnePass.finish(batches.mapPartitionsWithIndex((index, it) -> layout.map(index, it,
                reducers), false), reducers, rows, layout.empty(), numeric, categorical);
        return Optional.of(SQLExecution$.MODULE$.withNewExecutionId(selected.queryExecution(),
                scala.Option.apply("nightshift: row checks and drift profile"), pass));
    }

    private static boolean[] numericFlags(List<ModelFeature> features) {
        boolean[] numeric = new boolean[features.size()];
        for (int f = 0; f < numeric.length; f++) {
            numeric[f] = features.get(f).type() == FeatureType.NUMERIC;
        }
        return numeric;
    }

    /** Why this pass cannot read these columns (null: it can). */
    private static String unsupported(Map<String, Integer> at, DataType[] types, int[] codes, String idColumn, List<Check> checks,
                                      List<ModelFeature> features, List<ReferenceProfile.NumericProfile> numeric,
                                      List<ReferenceProfile.CategoricalProfile> categorical) {
        if (codes[0] < LONG || codes[0] > STRING) { // ids: integers or strings
            return "id column " + idColumn + " has type " + types[0].simpleString();
        }
        for (Check c : checks) {
            int code = codes[at.get(c.column())];
            boolean ok = switch (c.kind()) {
                case NULL -> true;
                case NON_FINITE, OUT_OF_RANGE -> code <= BYTE;
                case UNSEEN_CATEGORY -> code == STRING;
            };
            if (!ok) {
                return "column " + c.column() + " has type " + types[at.get(c.column())].simpleString();
            }
        }
        for (ModelFeature f : features) {
            int code = codes[at.get(f.name())];
            if (f.type() == FeatureType.NUMERIC ? code > BYTE : code != STRING) {
                return "feature " + f.name() + " has type " + types[at.get(f.name())].simpleString();
            }
        }
        for (ReferenceProfile.NumericProfile p : numeric) {
            if (codes[at.get(p.name())] > BYTE) {
                return "numeric feature " + p.name() + " has type " + types[at.get(p.name())].simpleString();
            }
        }
        for (ReferenceProfile.CategoricalProfile p : categorical) {
            if (codes[at.get(p.name())] != STRING) {
                return "categorical feature " + p.name() + " has type " + types[at.get(p.name())].simpleString();
            }
        }
        return null;
    }

    /** The plan node that produces the selected columns as batches, and where each selected column is in them. */
    private record Source(SparkPlan plan, int[] index) {
    }

    /**
     * The columnar node under {@code selected}'s plan when nothing but column selection sits on top of it (whole-stage
     * code generation, a projection of plain columns, the conversion to rows), or the plan itself when it serves batches
     * as well as rows; null otherwise.
     */
    private static Source source(Dataset<Row> selected) {
        SparkPlan plan = selected.queryExecution().executedPlan();
        while (true) {
            if (plan instanceof WholeStageCodegenExec w) {
                plan = w.child();
            } else if (plan instanceof InputAdapter a) {
                plan = a.child();
            } else if (plan instanceof ProjectExec p && scala.jdk.javaapi.CollectionConverters.asJava(p.projectList()).stream()
                    .allMatch(e -> e instanceof AttributeReference)) {
                plan = p.child();
            } else if (plan instanceof ColumnarToRowExec c && c.child().supportsColumnar()) {
                plan = c.child() instanceof InputAdapter a ? a.child() : c.child();
                break;
            } else if (plan.supportsColumnar()) {
                break; // a node that serves rows and batches alike (the cache's scan)
            } else {
                return null;
            }
        }
        List<Attribute> wanted = scala.jdk.javaapi.CollectionConverters.asJava(selected.queryExecution().analyzed().output());
        List<Attribute> produced = scala.jdk.javaapi.CollectionConverters.asJava(plan.output());
        int[] index = new int[wanted.size()];
        for (int i = 0; i < wanted.size(); i++) {
            index[i] = -1;
            for (int j = 0; j < produced.size(); j++) {
                if (produced.get(j).exprId().equals(wanted.get(i).exprId())) {
                    index[i] = j;
                }
            }
            if (index[i] < 0) {
                return null;
            }
        }
        return new Source(plan, index);
    }

    /** What each task needs: where the columns are in a batch, their types, the checks and the drift features. Column numbers are positions in the selection. */
    private record Layout(int[] index, int[] types, Check[] checks, Map<String, Integer> at, int[] keyed, boolean[] keyedNumeric,
                          int[] numericColumns, double[][] edges, int[] categoricalColumns, String[][] categories,
                          boolean sampling, long below, boolean repeatedIds) implements Serializable {

        OnePass.Partial empty() {
            return new OnePass.Partial(checks.length, edges, categories);
        }

        /**
         * One task: every batch of the partition, each step a small method called once per batch, so that the JIT
         * compiles each on its own (one large loop over everything was compiled on the stack, and recompiled when a
         * night's features differed from the last one's: the same pass took from 1.3 to 2.9 s in one benchmark run).
         */
        Iterator<Tuple2<Integer, Object>> map(int partition, Iterator<ColumnarBatch> batches, int reducers) {
            OnePass.Partial p = empty();
            // one lookup per string column: codes carry "unseen by the contract" (bit 0) and the reference category + 1
            Map<Integer, Lookup> lookups = new LinkedHashMap<>();
            for (Check c : checks) {
                if (c.kind() == Check.Kind.UNSEEN_CATEGORY) {
                    lookups.computeIfAbsent(at.get(c.column()), k -> new Lookup()).allowed = new Utf8Index(
                            c.categories().toArray(String[]::new));
                }
            }
            for (int f = 0; f < categoricalColumns.length; f++) {
                lookups.computeIfAbsent(categoricalColumns[f], k -> new Lookup()).reference = new Utf8Index(categories[f]);
            }
            OnePass.BinIndex[] binIndex = Arrays.stream(edges).map(OnePass.BinIndex::new).toArray(OnePass.BinIndex[]::new);
            Task task = new Task(sampling ? new SampleHash(index, types, keyed, keyedNumeric) : null,
                    Arrays.stream(edges).mapToInt(e -> e.length + 1).max().orElse(0), repeatedIds ? HashBlocks.byReducer(reducers) : null);
            while (batches.hasNext()) {
                ColumnarBatch batch = batches.next();
                int n = batch.numRows();
                task.reset(n);
                p.rows += n;
                for (Map.Entry<Integer, Lookup> e : lookups.entrySet()) {
                    e.getValue().codes(batch.column(index[e.getKey()]), n);
                }
                task.ids(batch, batch.column(index[0]), types[0], n, sampling, below);
                for (int k = 0; k < checks.length; k++) {
                    Check c = checks[k];
                    int column = at.get(c.column());
                    ColumnVector v = batch.column(index[column]);
                    p.failing[k] += switch (c.kind()) {
                        case NULL -> nulls(v, n, task.fails);
                        case NON_FINITE -> types[column] == DOUBLE || types[column] == FLOAT ? nonFinite(v, types[column], n, task.fails) : 0;
                        case OUT_OF_RANGE -> outOfRange(v, types[column], n, c.min(), c.max(), task.fails);
                        case UNSEEN_CATEGORY -> unseen(lookups.get(column).codes, n, task.fails);
                    };
                }
                p.failingAny += count(task.fails, n);
                for (int f = 0; f < numericColumns.length; f++) {
                    ColumnVector v = batch.column(index[numericColumns[f]]);
                    int type = types[numericColumns[f]];
                    p.numericCount[f] += bin(v, type, n, binIndex[f], p.bins[f], task.counters);
                    sample(v, type, n, sampling ? task.sampled : null, task.sampledCount, p, f);
                }
                for (int f = 0; f < categoricalColumns.length; f++) {
                    p.categoricalCount[f] += countCategories(lookups.get(categoricalColumns[f]).codes, n, p.categoryCounts[f]);
                }
            }
            return OnePass.emit(partition, p, task.idHashes, reducers);
        }
    }

    /** A task's per-batch scratch: rows failing a check, the sampled rows' numbers, bin counters, and the id hashes so far. */
    private static final class Task {
        private final SampleHash fallback;
        private final StringBytes strings = new StringBytes();
        boolean[] fails = new boolean[0];
        /** The batch's sampled rows, {@link #sampledCount} of them, in order. */
        int[] sampled = new int[0];
        int sampledCount;
        /** {@link ColumnarPass#bin}'s counters: four per bin of a feature with the most bins. */
        final int[] counters;
        /** The id hashes so far; null: not kept. */
        final HashBlocks idHashes;

        Task(SampleHash fallback, int maxBins, HashBlocks idHashes) {
            this.fallback = fallback;
            this.counters = new int[COUNTERS * maxBins];
            this.idHashes = idHashes;
        }

        void reset(int n) {
            if (n > fails.length) {
                fails = new boolean[n];
                sampled = new int[n];
            } else {
                Arrays.fill(fails, 0, n, false);
            }
        }

        /** Hashes the batch's ids (kept when {@link #idHashes} is not null) and decides which rows are sampled. */
        void ids(ColumnarBatch batch, ColumnVector id, int type, int n, boolean sampling, long below) {
            HashBlocks keep = idHashes;
            boolean nulls = id.hasNull();
            if (type == STRING) {
                strings.of(id);
            }
            int picked = 0;
            for (int i = 0; i < n; i++) {
                if (nulls && id.isNullAt(i)) {
                    if (sampling && (fallback.hash(batch, i) & Long.MAX_VALUE) < below) {
                        sampled[picked++] = i;
                    }
                    continue;
                }
                long h = type == STRING ? strings.hash(i) : idHash(id, type, i);
                if (keep != null) {
                    keep.add(h);
                }
                if (sampling) {
                    // without a branch: a row is sampled at random, which a branch would mispredict
                    sampled[picked] = i;
                    picked += (h & Long.MAX_VALUE) < below ? 1 : 0;
                }
            }
            sampledCount = picked;
        }
    }

    private static long nulls(ColumnVector v, int n, boolean[] fails) {
        if (!v.hasNull()) {
            return 0;
        }
        long failing = 0;
        for (int i = 0; i < n; i++) {
            if (v.isNullAt(i)) {
                failing++;
                fails[i] = true;
            }
        }
        return failing;
    }

    private static long nonFinite(ColumnVector v, int type, int n, boolean[] fails) {
        boolean nulls = v.hasNull();
        long failing = 0;
        for (int i = 0; i < n; i++) {
            if (!(nulls && v.isNullAt(i)) && !Double.isFinite(value(v, type, i))) {
                failing++;
                fails[i] = true;
            }
        }
        return failing;
    }

    private static long outOfRange(ColumnVector v, int type, int n, double min, double max, boolean[] fails) {
        boolean nulls = v.hasNull();
        long failing = 0;
        for (int i = 0; i < n; i++) {
            if (!(nulls && v.isNullAt(i))) {
                double d = value(v, type, i);
                if (Double.isFinite(d) && (d < min || d > max)) {
                    failing++;
                    fails[i] = true;
                }
            }
        }
        return failing;
    }

    private static long unseen(int[] codes, int n, boolean[] fails) {
        long failing = 0;
        for (int i = 0; i < n; i++) {
            if (codes[i] >= 0 && (codes[i] & 1) != 0) {
                failing++;
                fails[i] = true;
            }
        }
        return failing;
    }

    private static long count(boolean[] flags, int n) {
        long count = 0;
        for (int i = 0; i < n; i++) {
            if (flags[i]) {
                count++;
            }
        }
        return count;
    }

    /** Counters per bin in {@link #bin}. */
    private static final int COUNTERS = 4;

    /**
     * Adds the batch's finite values of a numeric feature to their {@code edges}' {@code bins}; returns how many there
     * were. Each value is counted in one of {@link #COUNTERS} counters of its bin, by row number, summed into
     * {@code bins} at the end: consecutive values fall in the same bin often (one time in ten with ten bins of equal
     * frequency), and an increment of the counter just incremented has to wait for that store. In a by-hand probe (a
     * loop over 4,096-row column vectors) this and the sample taken in a loop of its own ({@link #sample}) took the
     * value's time from about 8 to 5 ns.
     */
    private static long bin(ColumnVector v, int type, int n, OnePass.BinIndex edges, long[] bins, int[] counters) {
        int m = bins.length;
        Arrays.fill(counters, 0, COUNTERS * m, 0);
        if (type == DOUBLE) {
            binDoubles(v, n, edges, m, counters);
        } else {
            binValues(v, type, n, edges, m, counters);
        }
        long count = 0;
        for (int b = 0; b < m; b++) {
            long c = 0;
            for (int k = 0; k < COUNTERS; k++) {
                c += counters[k * m + b];
            }
            bins[b] += c;
            count += c;
        }
        return count;
    }

    /** {@link #bin} of a double column: the common case, without {@link #value}'s switch. */
    private static void binDoubles(ColumnVector v, int n, OnePass.BinIndex edges, int m, int[] counters) {
        boolean nulls = v.hasNull();
        for (int i = 0; i < n; i++) {
            if (nulls && v.isNullAt(i)) {
                continue;
            }
            double d = v.getDouble(i);
            if (Double.isFinite(d)) {
                counters[(i & (COUNTERS - 1)) * m + edges.of(d)]++;
            }
        }
    }

    private static void binValues(ColumnVector v, int type, int n, OnePass.BinIndex edges, int m, int[] counters) {
        boolean nulls = v.hasNull();
        for (int i = 0; i < n; i++) {
            if (nulls && v.isNullAt(i)) {
                continue;
            }
            double d = value(v, type, i);
            if (Double.isFinite(d)) {
                counters[(i & (COUNTERS - 1)) * m + edges.of(d)]++;
            }
        }
    }

    /**
     * Adds the finite values of the batch's sampled rows ({@code sampled}, {@code count} row numbers in order; null: every
     * row) of numeric feature f to its sample.
     */
    private static void sample(ColumnVector v, int type, int n, int[] sampled, int count, OnePass.Partial p, int f) {
        boolean nulls = v.hasNull();
        int rows = sampled == null ? n : count;
        for (int k = 0; k < rows; k++) {
            int i = sampled == null ? k : sampled[k];
            if (nulls && v.isNullAt(i)) {
                continue;
            }
            double d = value(v, type, i);
            if (Double.isFinite(d)) {
                p.add(f, d);
            }
        }
    }

    /** Counts the batch's reference categories into {@code counts}; returns the non-null values. */
    private static long countCategories(int[] codes, int n, long[] counts) {
        long count = 0;
        for (int i = 0; i < n; i++) {
            int code = codes[i];
            if (code < 0) {
                continue;
            }
            count++;
            if (code > 1) {
                counts[(code >> 1) - 1]++;
            }
        }
        return count;
    }

    // the type codes: numbers from DOUBLE to BYTE, integers from LONG to BYTE
    private static final int DOUBLE = 0;
    private static final int FLOAT = 1;
    private static final int LONG = 2;
    private static final int INT = 3;
    private static final int SHORT = 4;
    private static final int BYTE = 5;
    private static final int STRING = 6;
    private static final int OTHER = 7;

    /** A type as the loops switch on it (a {@code DataType} compared in every row would cost an {@code equals}). */
    static int typeCode(DataType t) {
        return DataTypes.DoubleType.equals(t) ? DOUBLE : DataTypes.FloatType.equals(t) ? FLOAT : DataTypes.LongType.equals(t) ? LONG
                : DataTypes.IntegerType.equals(t) ? INT : DataTypes.ShortType.equals(t) ? SHORT : DataTypes.ByteType.equals(t) ? BYTE
                : DataTypes.StringType.equals(t) ? STRING : OTHER;
    }

    /** A value of a numeric column as double, as Spark casts it. */
    static double value(ColumnVector v, int t, int i) {
        return switch (t) {
            case DOUBLE -> v.getDouble(i);
            case FLOAT -> v.getFloat(i);
            case LONG -> v.getLong(i);
            case INT -> v.getInt(i);
            case SHORT -> v.getShort(i);
            default -> v.getByte(i);
        };
    }

    /** {@link OnePass#idHash}: xxhash64 (seed 42) of the id's string form. */
    static long idHash(ColumnVector v, int t, int i) {
        if (t == STRING) {
            UTF8String s = v.getUTF8String(i);
            return XXH64.hashUnsafeBytes(s.getBaseObject(), s.getBaseOffset(), s.numBytes(), 42L);
        }
        long x = t == LONG ? v.getLong(i) : t == INT ? v.getInt(i) : t == SHORT ? v.getShort(i) : v.getByte(i);
        byte[] bytes = Long.toString(x).getBytes(StandardCharsets.UTF_8);
        return XXH64.hashUnsafeBytes(bytes, Platform.BYTE_ARRAY_OFFSET, bytes.length, 42L);
    }

    /**
     * A string column's codes in one batch: -1 for null, else bit 0 set when the value is not among the contract's
     * categories ({@code allowed}, when checked) and, above it, its reference category's index + 1 (0: none). A
     * dictionary-encoded column is looked up once per dictionary entry used in the batch.
     */
    private static final class Lookup {
        Utf8Index allowed;
        Utf8Index reference;
        int[] codes = new int[0];
        private final StringBytes strings = new StringBytes();
        private int[] memo = new int[0];
        private int[] touched = new int[0];

        void codes(ColumnVector v, int n) {
            if (codes.length < n) {
                codes = new int[n];
                touched = new int[n];
            }
            boolean nulls = v.hasNull();
            if (v instanceof WritableColumnVector w && w.hasDictionary()) {
                WritableColumnVector ids = w.getDictionaryIds();
                int used = 0;
                for (int i = 0; i < n; i++) {
                    if (nulls && v.isNullAt(i)) {
                        codes[i] = -1;
                        continue;
                    }
                    int d = ids.getDictId(i);
                    if (d >= memo.length) {
                        int size = Math.max(d + 1, memo.length * 2);
                        int old = memo.length;
                        memo = Arrays.copyOf(memo, size);
                        Arrays.fill(memo, old, size, -1);
                    }
                    int code = memo[d];
                    if (code < 0) {
                        code = code(v.getUTF8String(i));
                        memo[d] = code;
                        touched[used++] = d;
                    }
                    codes[i] = code;
                }
                // the next batch may have another dictionary (another row group)
                for (int k = 0; k < used; k++) {
                    memo[touched[k]] = -1;
                }
            } else {
                // a many-valued category, whose column Parquet wrote without a dictionary: from the bytes, as the ids
                strings.of(v);
                for (int i = 0; i < n; i++) {
                    codes[i] = nulls && v.isNullAt(i) ? -1 : strings.plain() ? code(strings.data(), strings.offset(i), strings.length(i))
                            : code(v.getUTF8String(i));
                }
            }
        }

        private int code(UTF8String s) {
            return code(s.getBaseObject(), s.getBaseOffset(), s.numBytes());
        }

        private int code(Object base, long offset, int length) {
            int unseen = allowed != null && allowed.indexOf(base, offset, length) < 0 ? 1 : 0;
            return unseen | (reference == null ? 0 : (reference.indexOf(base, offset, length) + 1) << 1);
        }
    }

    /**
     * A string column's values read where the column vector keeps their bytes: the ids' hashes, the categories of a
     * column without a dictionary. Spark's {@code getUTF8String} makes a {@code UTF8String} per value, and since
     * Spark 4 its constructor writes four volatile fields (cached character counts and validity): a memory barrier
     * per row, which a JFR profile of the pass showed as a quarter of its samples (the ids). Spark offers no public
     * way to the bytes, so the on-heap vector's byte array and the dictionary are read through two private fields
     * ({@link #direct}); when Spark names them otherwise, or the vector is another kind (off-heap), each value goes
     * through {@code getUTF8String} as before.
     */
    static final class StringBytes {
        private static final MethodHandle BYTE_DATA;
        private static final MethodHandle DICTIONARY;

        static {
            MethodHandle bytes = null;
            MethodHandle dictionary = null;
            try {
                bytes = MethodHandles.privateLookupIn(OnHeapColumnVector.class, MethodHandles.lookup())
                        .findGetter(OnHeapColumnVector.class, "byteData", byte[].class);
                dictionary = MethodHandles.privateLookupIn(WritableColumnVector.class, MethodHandles.lookup())
                        .findGetter(WritableColumnVector.class, "dictionary", Dictionary.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LoggerFactory.getLogger(StringBytes.class).warn("string ids and categories are read through getUTF8String, one object a row: "
                        + "Spark's column vectors do not have the fields this Spark version was read with ({})", e.toString());
                bytes = null;
                dictionary = null;
            }
            BYTE_DATA = bytes;
            DICTIONARY = dictionary;
        }

        private ColumnVector vector;
        private WritableColumnVector writable;
        private byte[] data;
        private Dictionary dictionary;
        private WritableColumnVector dictionaryIds;

        /** Whether values are hashed from where the vectors keep them (the private fields were found). */
        static boolean direct() {
            return BYTE_DATA != null;
        }

        /** Reads {@code v}'s values from here on (one batch). */
        void of(ColumnVector v) {
            vector = v;
            writable = null;
            data = null;
            dictionary = null;
            if (BYTE_DATA == null || !(v instanceof WritableColumnVector w)) {
                return;
            }
            try {
                if (w.hasDictionary()) {
                    dictionary = (Dictionary) DICTIONARY.invokeExact(w);
                    dictionaryIds = w.getDictionaryIds();
                    writable = w;
                } else if (w.arrayData() instanceof OnHeapColumnVector bytes) {
                    data = (byte[]) BYTE_DATA.invokeExact(bytes);
                    writable = w;
                }
            } catch (Throwable e) {
                throw new IllegalStateException("cannot read the bytes of a string column vector", e);
            }
        }

        /** Whether the vector keeps its values in one byte array, {@link #data}, each at {@link #offset} for {@link #length} bytes. */
        boolean plain() {
            return data != null;
        }

        byte[] data() {
            return data;
        }

        long offset(int i) {
            return Platform.BYTE_ARRAY_OFFSET + writable.getArrayOffset(i);
        }

        int length(int i) {
            return writable.getArrayLength(i);
        }

        /** {@link ColumnarPass#idHash} of the non-null value in row {@code i}. */
        long hash(int i) {
            if (dictionary != null) {
                byte[] bytes = dictionary.decodeToBinary(dictionaryIds.getDictId(i));
                return XXH64.hashUnsafeBytes(bytes, Platform.BYTE_ARRAY_OFFSET, bytes.length, 42L);
            }
            if (data != null) {
                return XXH64.hashUnsafeBytes(data, offset(i), length(i), 42L);
            }
            return idHash(vector, STRING, i);
        }
    }

    /**
     * {@link QuantileSketch#sampleHash} of a row without an id: Spark's own {@code xxhash64} expression over the
     * drift frame's columns ({@code entity_id}, null here, then the features as {@link Profiling#nightFrame} casts
     * them), evaluated on the row's values. Rows without an id are few (each is quarantined), so one evaluation each.
     */
    private static final class SampleHash {
        private final int[] index;
        private final int[] types;
        private final int[] columns;
        private final boolean[] numeric;
        private final Expression hash;
        private final GenericInternalRow row;

        SampleHash(int[] index, int[] types, int[] columns, boolean[] numeric) {
            this.index = index;
            this.types = types;
            this.columns = columns;
            this.numeric = numeric;
            List<Expression> children = new ArrayList<>();
            children.add(new BoundReference(0, DataTypes.StringType, true));
            for (int f = 0; f < columns.length; f++) {
                children.add(new BoundReference(f + 1, numeric[f] ? DataTypes.DoubleType : DataTypes.StringType, true));
            }
            hash = new XxHash64(scala.jdk.javaapi.CollectionConverters.asScala(children).toSeq(), 42L);
            row = new GenericInternalRow(columns.length + 1);
        }

        long hash(ColumnarBatch batch, int i) {
            row.setNullAt(0);
            for (int f = 0; f < columns.length; f++) {
                ColumnVector v = batch.column(index[columns[f]]);
                if (v.isNullAt(i)) {
                    row.setNullAt(f + 1);
                } else if (numeric[f]) {
                    double d = value(v, types[columns[f]], i);
                    if (Double.isFinite(d)) {
                        row.update(f + 1, d);
                    } else {
                        row.setNullAt(f + 1);
                    }
                } else {
                    row.update(f + 1, v.getUTF8String(i).copy());
                }
            }
            return (Long) hash.eval(row);
        }
    }

}
