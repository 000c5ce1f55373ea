package dev.nightshift.bench;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Columns;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.Task;
import dev.nightshift.registry.ModelFeature;
import dev.nightshift.scoring.Predictions;
import dev.nightshift.scoring.compiled.CompiledPipeline;
import dev.nightshift.scoring.compiled.PipelineCompiler;
import dev.nightshift.scoring.compiled.Translation;
import dev.nightshift.spark.SparkSessions;
import dev.nightshift.training.ModelPipelines;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.when;

/**
 * The scoring benchmark behind {@code scripts/bench}: generates {@code rows} rows (10 numeric features with 1% nulls,
 * 2 categorical ones with 5 and 30 values), trains a logistic regression and a 20-tree depth-5 GBT on a sample, then
 * times each variant (read only, Parquet copy, a trivial expression, MLlib transform and compiled scoring of both
 * models, all writing Parquet) in alternating rounds within this JVM, after one untimed warm-up round, and reports
 * the median rows/s and ratios.
 */
public final class ScoringBenchmark {

    private static final int NUMERIC = 10;
    private static final int TRAINING_ROWS = 20_000;
    private static final Predictions.Stamp STAMP = new Predictions.Stamp("bench", LocalDate.of(2026, 1, 1), 1L, 1L,
            Instant.parse("2026-01-02T00:00:00Z"));

    /** Command-line arguments: rows, JSON output file, timed rounds, scratch directory. */
    record Args(long rows, Path json, int rounds, Path work) {
        static Args parse(String[] a) {
            long rows = a.length > 0 ? Long.parseLong(a[0]) : 5_000_000L;
            Path json = Path.of(a.length > 1 ? a[1] : "spark-jobs/target/bench/bench.json");
            int rounds = a.length > 2 ? Integer.parseInt(a[2]) : 3;
            Path work = Path.of(a.length > 3 ? a[3] : "spark-jobs/target/bench/data");
            if (rows < TRAINING_ROWS || rounds < 1) {
                throw new IllegalArgumentException("expected rows >= " + TRAINING_ROWS + " and rounds >= 1, got rows " + rows
                        + ", rounds " + rounds);
            }
            return new Args(rows, json, rounds, work);
        }
    }

    /** One timed variant: its name, what it compares against, and the work. */
    private record Variant(String name, String baseline, Runnable work) {
    }

    private ScoringBenchmark() {
    }

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv);
        SparkSession spark = SparkSessions.configure(SparkSession.builder().master("local[2]").appName("nightshift-bench"))
                .getOrCreate();
        try {
            run(spark, args);
        } finally {
            spark.stop();
        }
    }

    static void run(SparkSession spark, Args args) throws IOException {
        String input = args.work().resolve("input").toAbsolutePath().toString();
        String output = args.work().resolve("output").toAbsolutePath().toString();
        System.out.printf(Locale.ROOT, "generating %,d rows into %s%n", args.rows(), input);
        generate(spark, args.rows()).write().mode("overwrite").parquet(input);

        List<ModelFeature> features = new ArrayList<>();
        for (int i = 0; i < NUMERIC; i++) {
            features.add(new ModelFeature("n" + i, FeatureType.NUMERIC));
        }
        features.add(new ModelFeature("c0", FeatureType.CATEGORICAL));
        features.add(new ModelFeature("c1", FeatureType.CATEGORICAL));
        Dataset<Row> training = spark.read().parquet(input).limit(TRAINING_ROWS).cache();
        System.out.println("training logistic regression and GBT (20 trees, depth 5) on " + TRAINING_ROWS + " rows");
        PipelineModel lr = ModelPipelines.build(features, Algorithm.LOGISTIC_REGRESSION, Map.of("regParam", 0.01), 1).fit(training);
        PipelineModel gbt = ModelPipelines.build(features, Algorithm.GBT_CLASSIFIER, Map.of("maxIter", 20, "maxDepth", 5), 1)
                .fit(training);
        training.unpersist();

        Dataset<Row> frame = spark.read().parquet(input).drop("label");
        CompiledPipeline lrCompiled = compiled(lr, frame);
        CompiledPipeline gbtCompiled = compiled(gbt, frame);
        Map<String, Double> maxDiff = new LinkedHashMap<>();
        maxDiff.put("logistic regression", maxDifference(lr, lrCompiled, frame.limit(100_000)));
        maxDiff.put("gbt", maxDifference(gbt, gbtCompiled, frame.limit(100_000)));

        Task task = Task.BINARY_CLASSIFICATION;
        List<Variant> variants = List.of(
                new Variant("read only", "copy", () -> spark.read().parquet(input).write().format("noop").mode("overwrite").save()),
                new Variant("copy", "copy", () -> spark.read().parquet(input).write().mode("overwrite").parquet(output)),
                new Variant("trivial expression", "copy", () -> spark.read().parquet(input)
                        .select(col(Columns.ENTITY_ID), col("n0").multiply(2.0).plus(col("n1")).as("value"))
                        .write().mode("overwrite").parquet(output)),
                new Variant("MLlib LR", "copy", () -> write(Predictions.from(lr.transform(read(spark, input)), task, 0.5, STAMP), output)),
                new Variant("compiled LR", "MLlib LR", () -> write(Predictions.fromValue(lrCompiled.apply(read(spark, input)),
                        CompiledPipeline.VALUE, task, 0.5, STAMP), output)),
                new Variant("MLlib GBT", "copy", () -> write(Predictions.from(gbt.transform(read(spark, input)), task, 0.5, STAMP), output)),
                new Variant("compiled GBT", "MLlib GBT", () -> write(Predictions.fromValue(gbtCompiled.apply(read(spark, input)),
                        CompiledPipeline.VALUE, task, 0.5, STAMP), output)));

        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        variants.forEach(v -> seconds.put(v.name(), new ArrayList<>()));
        System.out.println("warm-up round (untimed: class loading, code generation, JIT)");
        variants.forEach(v -> v.work().run());
        for (int round = 0; round < args.rounds(); round++) {
            // Alternating rounds, the order rotated each round, so that drift (JIT, page cache, a neighbour's load)
            // spreads over all variants instead of landing on one.
            for (int k = 0; k < variants.size(); k++) {
                Variant v = variants.get((k + round) % variants.size());
                long start = System.nanoTime();
                v.work().run();
                double s = (System.nanoTime() - start) / 1e9;
                seconds.get(v.name()).add(s);
                System.out.printf(Locale.ROOT, "round %d  %-20s %7.2f s%n", round + 1, v.name(), s);
            }
        }

        Map<String, Double> rate = new LinkedHashMap<>();
        seconds.forEach((name, s) -> rate.put(name, args.rows() / median(s)));
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%n%,d rows, %d cores, median of %d rounds%n", args.rows(),
                Runtime.getRuntime().availableProcessors(), args.rounds()));
        table.append("| variant | rows/s | vs copy | vs MLlib | seconds per round |\n|---|---|---|---|---|\n");
        for (Variant v : variants) {
            double r = rate.get(v.name());
            String vsMllib = v.baseline().startsWith("MLlib") ? String.format(Locale.ROOT, "%.2f×", r / rate.get(v.baseline())) : "";
            table.append(String.format(Locale.ROOT, "| %s | %s | %.2f× | %s | %s |%n", v.name(), human(r), r / rate.get("copy"),
                    vsMllib, seconds.get(v.name()).stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).collect(Collectors.joining(" "))));
        }
        maxDiff.forEach((m, d) -> table.append(String.format(Locale.ROOT, "max |compiled - MLlib| score, %s, 100,000 rows: %.3g%n", m, d)));
        System.out.print(table);

        Files.createDirectories(args.json().toAbsolutePath().getParent());
        Files.writeString(args.json(), json(args, variants, seconds, rate, maxDiff));
        System.out.println("written " + args.json());
    }

    private static CompiledPipeline compiled(PipelineModel model, Dataset<Row> frame) {
        Translation t = PipelineCompiler.compile(model, frame.schema(), Task.BINARY_CLASSIFICATION);
        if (t instanceof Translation.Compiled c) {
            return c.pipeline();
        }
        throw new IllegalStateException("benchmark model did not compile: " + ((Translation.Fallback) t).message());
    }

    private static double maxDifference(PipelineModel model, CompiledPipeline compiled, Dataset<Row> sample) {
        Dataset<Row> rows = sample.cache();
        Dataset<Row> mllib = Predictions.from(model.transform(rows), Task.BINARY_CLASSIFICATION, 0.5, STAMP)
                .select(col(Columns.ENTITY_ID), col(Columns.SCORE).as("expected"));
        Dataset<Row> ours = Predictions.fromValue(compiled.apply(rows), CompiledPipeline.VALUE, Task.BINARY_CLASSIFICATION, 0.5, STAMP)
                .select(col(Columns.ENTITY_ID), col(Columns.SCORE).as("actual"));
        Row r = mllib.join(ours, Columns.ENTITY_ID).agg(max(abs(col("expected").minus(col("actual")))), org.apache.spark.sql.functions.count(lit(1))).head();
        rows.unpersist();
        if (r.getLong(1) != sample.count()) {
            throw new IllegalStateException("compiled and MLlib scores do not cover the same rows");
        }
        return r.isNullAt(0) ? 0.0 : r.getDouble(0);
    }

    private static Dataset<Row> read(SparkSession spark, String input) {
        return spark.read().parquet(input).drop("label");
    }

    private static void write(Dataset<Row> rows, String output) {
        rows.write().mode("overwrite").parquet(output);
    }

    /** {@code entity_id}, n0..n9 (1% null), c0 (5 values), c1 (30 values), both 1% null, and a 0/1 label. */
    static Dataset<Row> generate(SparkSession spark, long rows) {
        List<Column> cols = new ArrayList<>();
        cols.add(format_string("E%010d", col("id")).as(Columns.ENTITY_ID));
        Column logit = lit(-0.5);
        for (int i = 0; i < NUMERIC; i++) {
            Column x = randn(100 + i).multiply(1 + i).plus(i);
            cols.add(when(rand(200 + i).lt(0.01), lit(null)).otherwise(x).as("n" + i));
        }
        cols.add(when(rand(300).lt(0.01), lit(null)).otherwise(format_string("p%d", floor(rand(301).multiply(5)).cast("int"))).as("c0"));
        cols.add(when(rand(302).lt(0.01), lit(null)).otherwise(format_string("r%02d", floor(rand(303).multiply(30)).cast("int"))).as("c1"));
        Dataset<Row> base = spark.range(0, rows, 1, 8).select(cols.toArray(Column[]::new));
        for (int i = 0; i < NUMERIC; i++) {
            logit = logit.plus(when(col("n" + i).isNull(), 0.0).otherwise(col("n" + i).minus(i).divide(1 + i).multiply((i % 3 - 1) * 0.7)));
        }
        logit = logit.plus(when(col("c0").equalTo("p1"), 0.8).otherwise(0.0)).plus(when(col("c1").lt("r10"), -0.6).otherwise(0.0));
        Column probability = lit(1.0).divide(lit(1.0).plus(exp(logit.multiply(-1.0))));
        return base.withColumn(Columns.LABEL, when(rand(400).lt(probability), 1.0).otherwise(0.0));
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String human(double rowsPerSecond) {
        return rowsPerSecond >= 1e6 ? String.format(Locale.ROOT, "%.2fM", rowsPerSecond / 1e6)
                : String.format(Locale.ROOT, "%.0fk", rowsPerSecond / 1e3);
    }

    private static String json(Args args, List<Variant> variants, Map<String, List<Double>> seconds, Map<String, Double> rate,
                               Map<String, Double> maxDiff) {
        StringBuilder s = new StringBuilder("{\n");
        s.append("  \"rows\": ").append(args.rows()).append(",\n");
        s.append("  \"rounds\": ").append(args.rounds()).append(",\n");
        s.append("  \"cores\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        s.append("  \"java\": \"").append(System.getProperty("java.version")).append("\",\n");
        s.append("  \"spark\": \"").append(org.apache.spark.package$.MODULE$.SPARK_VERSION()).append("\",\n");
        s.append("  \"measuredAt\": \"").append(Instant.now()).append("\",\n");
        s.append("  \"variants\": [\n");
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            double r = rate.get(v.name());
            s.append(String.format(Locale.ROOT, "    {\"name\": \"%s\", \"rowsPerSecond\": %.0f, \"vsCopy\": %.4f, \"baseline\": \"%s\", "
                            + "\"vsBaseline\": %.4f, \"seconds\": %s}%s%n", v.name(), r, r / rate.get("copy"), v.baseline(),
                    r / rate.get(v.baseline()), Arrays.toString(seconds.get(v.name()).stream().mapToDouble(Double::doubleValue).toArray()),
                    i + 1 < variants.size() ? "," : ""));
        }
        s.append("  ],\n  \"maxAbsScoreDifference\": {");
        s.append(maxDiff.entrySet().stream().map(e -> String.format(Locale.ROOT, "\"%s\": %s", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", ")));
        s.append("}\n}\n");
        return s.toString();
    }
}
