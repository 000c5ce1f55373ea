package dev.nightshift.bench;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.drift.Profiling;
import dev.nightshift.drift.ReferenceProfile;
import dev.nightshift.registry.ModelFeature;
import dev.nightshift.spark.SparkSessions;
import dev.nightshift.validation.DataContract;
import dev.nightshift.validation.NightValidation;
import dev.nightshift.validation.RowChecks;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

/**
 * Times a night's validation counts and drift profile over input of the scoring benchmark's shape (10 numeric features
 * with nulls, 2 categorical ones; {@link ScoringBenchmark#generate}) in alternating rounds within one JVM, after one
 * untimed warm-up round (or {@link #WARM_UP_PROPERTY} of them): one plain scan of every input column; the validation
 * counts alone and with the drift profile of every feature, each in one pass over the files
 * ({@link NightValidation#countAndProfile}, which reads Parquet as column batches: {@link dev.nightshift.drift.ColumnarPass});
 * validation + drift over the same files row by row
 * ({@link NightValidation#rowPass}, what inputs that are not read as column batches get); caching the input
 * alone; and what a night does ({@link NightValidation#run}) over Parquet (count the rows from the footers, then the
 * column pass over the files; then, for scoring, the valid rows read from the files again) and over input it caches
 * (the same pass over the cached input, which fills the cache as it reads; then the valid rows read from the cache).
 * Reports the median rows/s and each variant's time as a multiple of the plain scan's, and the same for the CPU time
 * the JVM used in each round (all its threads: Spark's tasks, the driver, the JIT compiler and the garbage collector).
 * A second reading, not a steadier one: in the run recorded in docs/performance-log.md, identical rounds' CPU time moved as much as
 * their wall time on a busy shared host. Nor is it a substitute for wall time (work moved onto an idle core costs CPU,
 * not time). Spark only: no PostgreSQL.
 */
public final class ProfilingBenchmark {

    static final String PLAIN_SCAN = "plain scan";
    static final String VALIDATION = "validation only, one pass";
    static final String ONE_PASS = "validation + drift, one pass";
    static final String ROW_PASS = "validation + drift, row by row";
    static final String CACHE = "caching the input (no checks)";
    static final String NIGHT = "the night's (Parquet): footer count, the column pass";
    static final String NIGHT_SCORING = "the same, then the valid rows read again for scoring";
    static final String NIGHT_CACHED = "the night's over a cache (other inputs): the pass filling it";
    static final String NIGHT_CACHED_SCORING = "the same, then the valid rows read from the cache";
    private static final int NUMERIC = 10;
    private static final int REFERENCE_ROWS = 200_000;
    private static final int BINS = 10;

    /**
     * Seconds per timed round and median rows/s per variant, each variant's median time over the plain scan's, and the
     * same for the process's CPU seconds per round.
     */
    public record Result(long rows, int rounds, int warmUpRounds, Map<String, List<Double>> seconds, Map<String, Double> rowsPerSecond,
                         Map<String, Double> timeVsPlainScan, Map<String, List<Double>> cpuSeconds,
                         Map<String, Double> cpuVsPlainScan) {
    }

    /** A variant: its name in the table, its key for {@link #VARIANTS_PROPERTY}, its work. */
    private record Variant(String name, String key, Runnable work) {
    }

    /**
     * System property: the variants to time, by key, comma-separated (the plain scan, the baseline, always); unset,
     * all of them. For comparisons that need many runs ({@code scripts/bench --compare-jvm}).
     */
    static final String VARIANTS_PROPERTY = "nightshift.bench.variants";
    /** System property: untimed warm-up rounds before the timed ones (default 1). */
    static final String WARM_UP_PROPERTY = "nightshift.bench.warmUpRounds";
    /** System property: when true, an input folder left by an earlier run with the same row count is read again, not regenerated. */
    static final String REUSE_PROPERTY = "nightshift.bench.reuseInput";

    private ProfilingBenchmark() {
    }

    /** Arguments: rows (default 5,000,000), timed rounds (3), scratch directory, JSON output file. */
    public static void main(String[] argv) throws IOException {
        long rows = argv.length > 0 ? Long.parseLong(argv[0]) : 5_000_000L;
        int rounds = argv.length > 1 ? Integer.parseInt(argv[1]) : 3;
        Path work = Path.of(argv.length > 2 ? argv[2] : "spark-jobs/target/bench/profiling");
        Path json = Path.of(argv.length > 3 ? argv[3] : "spark-jobs/target/bench/profiling.json");
        if (rows < REFERENCE_ROWS || rounds < 1) {
            throw new IllegalArgumentException("expected rows >= " + REFERENCE_ROWS + " and rounds >= 1, got rows " + rows
                    + ", rounds " + rounds);
        }
        SparkSession spark = SparkSessions.configure(SparkSession.builder().master("local[2]").appName("nightshift-profiling-bench"))
                .getOrCreate();
        try {
            String input = work.resolve("input").toAbsolutePath().toString();
            if (Boolean.getBoolean(REUSE_PROPERTY) && Files.exists(work.resolve("input").resolve("_SUCCESS"))
                    && spark.read().parquet(input).count() == rows) {
                System.out.printf(Locale.ROOT, "reading the %,d rows an earlier run generated in %s%n", rows, input);
            } else {
                System.out.printf(Locale.ROOT, "generating %,d rows into %s%n", rows, input);
                ScoringBenchmark.generate(spark, rows).drop(Columns.LABEL).write().mode("overwrite").parquet(input);
            }
            Result result = measure(spark, input, rounds);
            System.out.print(table(result));
            Files.createDirectories(json.toAbsolutePath().getParent());
            Files.writeString(json, json(result));
            System.out.println("written " + json);
        } finally {
            spark.stop();
        }
    }

    /**
     * Measures the five variants over the Parquet input at {@code input} ({@code entity_id}, {@code n0..n9},
     * {@code c0}, {@code c1}; other columns are read as part of the input). The reference profile and the data
     * contract come from the first rows of the input, untimed.
     */
    public static Result measure(SparkSession spark, String input, int rounds) {
        List<ModelFeature> features = new ArrayList<>();
        for (int i = 0; i < NUMERIC; i++) {
            features.add(new ModelFeature("n" + i, FeatureType.NUMERIC));
        }
        features.add(new ModelFeature("c0", FeatureType.CATEGORICAL));
        features.add(new ModelFeature("c1", FeatureType.CATEGORICAL));
        Dataset<Row> sample = Profiling.nightFrame(spark.read().parquet(input).limit(REFERENCE_ROWS), Columns.ENTITY_ID, features).cache();
        ReferenceProfile reference = Profiling.reference(sample, features, BINS, sample.select(col("n0").as(Columns.SCORE)), Columns.SCORE);
        sample.unpersist(true);
        DataContract contract = contract(features, reference);
        Profiling.Request drift = Profiling.Request.of(features, reference);

        List<Variant> all = List.of(
                new Variant(PLAIN_SCAN, "scan", () -> plainScan(spark.read().parquet(input))),
                new Variant(VALIDATION, "validation", () -> NightValidation.countAndProfile(spark.read().parquet(input), contract, null)
                        .repeatedIds().stats().unpersist()),
                new Variant(ONE_PASS, "pass", () -> NightValidation.countAndProfile(spark.read().parquet(input), contract, drift)
                        .repeatedIds().stats().unpersist()),
                new Variant(ROW_PASS, "rows", () -> {
                    Dataset<Row> files = spark.read().parquet(input);
                    NightValidation.rowPass(files, files.count(), contract, drift);
                }),
                new Variant(CACHE, "cache", () -> {
                    Dataset<Row> cached = spark.read().parquet(input).persist(StorageLevel.MEMORY_AND_DISK());
                    cached.count();
                    cached.unpersist(true);
                }),
                new Variant(NIGHT, "night", () -> night(spark.read().parquet(input), false, false, contract, drift)),
                new Variant(NIGHT_SCORING, "night-scoring", () -> night(spark.read().parquet(input), false, true, contract, drift)),
                new Variant(NIGHT_CACHED, "night-cached", () -> night(spark.read().parquet(input), true, false, contract, drift)),
                new Variant(NIGHT_CACHED_SCORING, "night-cached-scoring", () -> night(spark.read().parquet(input), true, true, contract, drift)));
        List<Variant> variants = selected(all, System.getProperty(VARIANTS_PROPERTY));

        long rows = spark.read().parquet(input).count();
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        Map<String, List<Double>> cpuSeconds = new LinkedHashMap<>();
        variants.forEach(v -> seconds.put(v.name(), new ArrayList<>()));
        variants.forEach(v -> cpuSeconds.put(v.name(), new ArrayList<>()));
        int warmUp = Integer.getInteger(WARM_UP_PROPERTY, 1);
        if (warmUp < 1) {
            throw new IllegalArgumentException(WARM_UP_PROPERTY + ": expected at least 1 warm-up round, got " + warmUp);
        }
        for (int w = 0; w < warmUp; w++) {
            System.out.printf(Locale.ROOT, "warm-up round %d of %d (untimed: class loading, code generation, JIT)%n", w + 1, warmUp);
            variants.forEach(v -> v.work().run());
        }
        for (int round = 0; round < rounds; round++) {
            // Alternating rounds, the order rotated each round, so that drift (JIT, page cache, a neighbour's load)
            // spreads over all variants instead of landing on one.
            for (int k = 0; k < variants.size(); k++) {
                Variant v = variants.get((k + round) % variants.size());
                long cpuStart = processCpuNanos();
                long start = System.nanoTime();
                v.work().run();
                double s = (System.nanoTime() - start) / 1e9;
                double cpu = (processCpuNanos() - cpuStart) / 1e9;
                seconds.get(v.name()).add(s);
                cpuSeconds.get(v.name()).add(cpu);
                System.out.printf(Locale.ROOT, "round %d  %-32s %7.2f s  %7.2f s CPU%n", round + 1, v.name(), s, cpu);
            }
        }
        Map<String, Double> rate = new LinkedHashMap<>();
        Map<String, Double> vsScan = new LinkedHashMap<>();
        Map<String, Double> cpuVsScan = new LinkedHashMap<>();
        double scan = ScoringBenchmark.median(seconds.get(PLAIN_SCAN));
        double scanCpu = ScoringBenchmark.median(cpuSeconds.get(PLAIN_SCAN));
        seconds.forEach((name, s) -> {
            rate.put(name, rows / ScoringBenchmark.median(s));
            vsScan.put(name, ScoringBenchmark.median(s) / scan);
            cpuVsScan.put(name, ScoringBenchmark.median(cpuSeconds.get(name)) / scanCpu);
        });
        return new Result(rows, rounds, warmUp, seconds, rate, vsScan, cpuSeconds, cpuVsScan);
    }

    /** The variants {@code keys} names (comma-separated; null or blank: all), the plain scan first and always. */
    private static List<Variant> selected(List<Variant> all, String keys) {
        if (keys == null || keys.isBlank()) {
            return all;
        }
        List<String> wanted = Arrays.stream(keys.split(",")).map(String::trim).filter(k -> !k.isEmpty()).toList();
        List<String> known = all.stream().map(Variant::key).toList();
        for (String k : wanted) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException(VARIANTS_PROPERTY + ": unknown variant '" + k + "'; expected some of " + known);
            }
        }
        return all.stream().filter(v -> v.name().equals(PLAIN_SCAN) || wanted.contains(v.key())).toList();
    }

    /** CPU time of this JVM so far, all threads (in local mode Spark's executor threads are among them). */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot && hotspot.getProcessCpuTime() >= 0) {
            return hotspot.getProcessCpuTime();
        }
        throw new IllegalStateException("this JVM (" + System.getProperty("java.vm.name") + ") does not report its process CPU time");
    }

    /**
     * As {@link NightValidation#run}: the rows counted from the footers, then over the files ({@code cached} false: the
     * column pass, as the night over Parquet) or over the persisted input (the pass filling the cache, as the night over
     * other inputs), the rows flagged; with {@code scoringRead}, the valid rows read again, as scoring reads them.
     */
    private static void night(Dataset<Row> files, boolean cached, boolean scoringRead, DataContract contract,
                              Profiling.Request drift) {
        long total = dev.nightshift.input.FooterCount.count(files);
        Dataset<Row> input = cached ? files.persist(StorageLevel.MEMORY_AND_DISK()) : files;
        NightValidation.Pass pass = cached ? NightValidation.countAndProfile(input, total, contract, drift)
                : NightValidation.columnarPass(input, total, contract, drift)
                        .orElseThrow(() -> new IllegalStateException("the column pass does not read the benchmark's Parquet"));
        RowChecks.Flagged flagged = RowChecks.flagged(input, pass.repeatedIds(), contract);
        if (scoringRead) {
            RowChecks.valid(flagged.rows()).write().format("noop").mode("overwrite").save();
        }
        flagged.release();
        input.unpersist(true);
    }

    /** Counts every column's non-null values: reads (and decodes) all of them, and nothing else. */
    private static void plainScan(Dataset<Row> rows) {
        List<Column> aggs = Arrays.stream(rows.columns()).map(c -> count(col(c))).toList();
        rows.agg(count(lit(1)), aggs.toArray(Column[]::new)).first();
    }

    /** The benchmark's contract: the id checks, null and non-finite per numeric feature (n0 bounded), unseen categories. */
    private static DataContract contract(List<ModelFeature> features, ReferenceProfile reference) {
        List<DataContract.FeatureRule> rules = new ArrayList<>();
        for (ModelFeature f : features) {
            if (f.type() == FeatureType.NUMERIC) {
                rules.add(new DataContract.FeatureRule(f.name(), f.type(), f.name().equals("n0") ? -4.0 : null,
                        f.name().equals("n0") ? 4.0 : null, null));
            } else {
                rules.add(new DataContract.FeatureRule(f.name(), f.type(), null, null,
                        new TreeSet<>(reference.categorical(f.name()).categories().keySet())));
            }
        }
        return new DataContract(Columns.ENTITY_ID, rules, List.of());
    }

    static String table(Result r) {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%n%,d rows, %d cores, median of %d rounds after %d untimed%n",
                r.rows(), Runtime.getRuntime().availableProcessors(), r.rounds(), r.warmUpRounds()));
        t.append("| variant | rows/s | time vs plain scan | seconds per round | CPU vs plain scan | CPU seconds per round |\n"
                + "|---|---|---|---|---|---|\n");
        r.seconds().forEach((name, s) -> t.append(String.format(Locale.ROOT, "| %s | %s | %.2f× | %s | %.2f× | %s |%n", name,
                ScoringBenchmark.human(r.rowsPerSecond().get(name)), r.timeVsPlainScan().get(name), seconds(s),
                r.cpuVsPlainScan().get(name), seconds(r.cpuSeconds().get(name)))));
        return t.toString();
    }

    private static String seconds(List<Double> s) {
        return s.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).collect(Collectors.joining(" "));
    }

    static String json(Result r) {
        StringBuilder s = new StringBuilder("{\n");
        s.append("  \"rows\": ").append(r.rows()).append(",\n");
        s.append("  \"rounds\": ").append(r.rounds()).append(",\n");
        s.append("  \"warmUpRounds\": ").append(r.warmUpRounds()).append(",\n");
        s.append("  \"cores\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        s.append("  \"java\": \"").append(System.getProperty("java.version")).append("\",\n");
        s.append("  \"spark\": \"").append(org.apache.spark.package$.MODULE$.SPARK_VERSION()).append("\",\n");
        s.append("  \"measuredAt\": \"").append(Instant.now()).append("\",\n");
        s.append("  \"variants\": [\n");
        List<String> names = new ArrayList<>(r.seconds().keySet());
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            s.append(String.format(Locale.ROOT, "    {\"name\": \"%s\", \"rowsPerSecond\": %.0f, \"timeVsPlainScan\": %.4f, \"seconds\": %s,"
                            + " \"cpuVsPlainScan\": %.4f, \"cpuSeconds\": %s}%s%n",
                    n, r.rowsPerSecond().get(n), r.timeVsPlainScan().get(n),
                    Arrays.toString(r.seconds().get(n).stream().mapToDouble(Double::doubleValue).toArray()),
                    r.cpuVsPlainScan().get(n), Arrays.toString(r.cpuSeconds().get(n).stream().mapToDouble(Double::doubleValue).toArray()),
                    i + 1 < names.size() ? "," : ""));
        }
        s.append("  ]\n}\n");
        return s.toString();
    }

}
