package dev.nightshift.bench;

import dev.nightshift.scoring.compiled.CompiledPipeline;
import dev.nightshift.scoring.compiled.PipelineCompiler;
import dev.nightshift.scoring.compiled.Translation;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code scripts/bench --scaling SIZES}: the Parquet copy and compiled logistic-regression scoring at each size (one
 * model, trained once on the smallest size's sample), with rows/s, time per row relative to the smallest size (the
 * performance issue asks for ±20% from 1M to 16M rows) and the JVM's heap, then how the largest input compares with
 * the heap: scoring streams rows through fixed-size batches, so a dataset many times the heap must score without
 * running out of memory. Every size's input is generated first (each in its own folder under {@code scaling-input}),
 * then the rounds alternate between the sizes.
 */
final class Scaling {

    /** The timed rows at one size, and the input's size on disk and as Spark rows. */
    record Point(long rows, long parquetBytes, long unsafeRowBytes, List<ScoringBenchmark.Result> results) {
    }

    /** The memory check: an input this many times the heap, as Spark rows, scores without running out of memory. */
    static final int HEAP_MULTIPLE = 10;

    private Scaling() {
    }

    static void run(SparkSession spark, ScoringBenchmark.Args args) throws IOException {
        String output = args.work().resolve("scaling-output").toAbsolutePath().toString();
        // Every size's input first, each in its own folder, so that the timed rounds can alternate between the sizes.
        Map<Long, Path> inputs = new LinkedHashMap<>();
        for (long rows : args.scaling()) {
            Path dir = args.work().resolve("scaling-input").resolve(Long.toString(rows)).toAbsolutePath();
            System.out.printf(Locale.ROOT, "%ngenerating %,d rows into %s%n", rows, dir);
            ScoringBenchmark.generate(spark, rows).write().mode("overwrite").parquet(dir.toString());
            inputs.put(rows, dir);
        }
        String trainingInput = inputs.values().iterator().next().toString();
        PipelineModel model = ScoringBenchmark.train(spark, trainingInput, List.of(ScoringBenchmark.ModelCase.LR))
                .get(ScoringBenchmark.ModelCase.LR);
        Translation t = PipelineCompiler.compile(model, ScoringBenchmark.read(spark, trainingInput).schema(),
                ScoringBenchmark.ModelCase.LR.task);
        if (!(t instanceof Translation.Compiled c)) {
            throw new IllegalStateException("benchmark model did not compile: " + ((Translation.Fallback) t).message());
        }
        CompiledPipeline lr = c.pipeline();

        // The copy and compiled LR at every size in one list, timed in alternating rounds after one warm-up round of
        // all of them, as the scoring benchmark times its variants: measured one size after another, each size ran in
        // its own minutes of a shared host, and only the first after a warm-up round.
        List<ScoringBenchmark.Variant> variants = new ArrayList<>();
        Map<String, Long> rowsOf = new HashMap<>();
        Map<String, String> nameOf = new HashMap<>();
        for (Map.Entry<Long, Path> e : inputs.entrySet()) {
            String input = e.getValue().toString();
            for (ScoringBenchmark.Variant v : List.of(ScoringBenchmark.copy(spark, input, output),
                    ScoringBenchmark.compiled(ScoringBenchmark.ModelCase.LR, lr, spark, input, output))) {
                String sized = String.format(Locale.ROOT, "%s, %,d rows", v.name(), e.getKey());
                variants.add(new ScoringBenchmark.Variant(sized, v.baseline(), v.work()));
                rowsOf.put(sized, e.getKey());
                nameOf.put(sized, v.name());
            }
        }
        List<ScoringBenchmark.Result> measured = ScoringBenchmark.measure(variants, 1, args.rounds(), true);
        List<Point> points = new ArrayList<>();
        for (Map.Entry<Long, Path> e : inputs.entrySet()) {
            List<ScoringBenchmark.Result> results = measured.stream().filter(r -> rowsOf.get(r.name()).equals(e.getKey()))
                    .map(r -> new ScoringBenchmark.Result(nameOf.get(r.name()), r.baseline(), e.getKey(), r.seconds(), r.heap()))
                    .toList();
            points.add(new Point(e.getKey(), ScoringBenchmark.directoryBytes(e.getValue()),
                    ScoringBenchmark.unsafeRowBytes(spark, e.getValue().toString()), results));
        }

        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nscaling: median of %d alternating rounds over all sizes, %d cores; %s%n",
                args.rounds(), Runtime.getRuntime().availableProcessors(), HeapWatch.describeJvm()));
        out.append("| rows | variant | rows/s | ns per row | per-row time vs smallest | peak heap | max heap after GC | seconds per round |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        Point smallest = points.get(0);
        boolean linear = true;
        for (Point p : points) {
            for (ScoringBenchmark.Result r : p.results()) {
                double relative = r.nanosPerRow() / baseline(smallest, r.name()).nanosPerRow();
                linear &= ScoringBenchmark.withinLinearTolerance(relative);
                out.append(String.format(Locale.ROOT, "| %,d | %s | %s | %.0f | %.2f× | %s | %s | %s |%n", p.rows(), r.name(),
                        ScoringBenchmark.human(r.rowsPerSecond()), r.nanosPerRow(), relative, HeapWatch.mb(r.heap().usedBytes()),
                        HeapWatch.mb(r.heap().afterGcBytes()), String.join(" ", r.seconds().stream()
                                .map(s -> String.format(Locale.ROOT, "%.2f", s)).toList())));
            }
        }
        out.append(String.format(Locale.ROOT, "per-row time within ±%.0f%% of the smallest size's at every size: %s%n",
                ScoringBenchmark.LINEAR_TOLERANCE * 100, linear ? "yes" : "NO"));
        Point largest = points.get(points.size() - 1);
        long heap = Runtime.getRuntime().maxMemory();
        double times = (double) largest.unsafeRowBytes() / heap;
        out.append(String.format(Locale.ROOT, "memory: the %,d-row input is %s as Parquet on disk and %s as Spark rows in memory; "
                        + "this JVM's max heap is %s (%s), so the input is %.1f× the heap as rows (%.1f× as Parquet); copied and scored "
                        + "without running out of memory%s%n", largest.rows(), HeapWatch.mb(largest.parquetBytes()),
                HeapWatch.mb(largest.unsafeRowBytes()), HeapWatch.mb(heap),
                HeapWatch.heapOptions().isEmpty() ? "JVM default" : HeapWatch.heapOptions() + " from BENCH_JAVA_OPTS",
                times, (double) largest.parquetBytes() / heap,
                times >= HEAP_MULTIPLE ? "" : String.format(Locale.ROOT, " (below the issue's 10×: run with a smaller -Xmx in BENCH_JAVA_OPTS or more rows)")));
        out.append(HeapWatch.LEGEND);
        System.out.print(out);

        StringBuilder json = new StringBuilder("{\n");
        json.append(ScoringBenchmark.header(largest.rows(), args.rounds()));
        json.append("  \"mode\": \"scaling\",\n  \"linearTolerance\": ").append(ScoringBenchmark.LINEAR_TOLERANCE)
                .append(",\n  \"linearWithinTolerance\": ").append(linear).append(",\n  \"sizes\": [\n");
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            StringBuilder relative = new StringBuilder();
            for (ScoringBenchmark.Result r : p.results()) {
                relative.append(relative.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "\"%s\": %.4f", r.name(),
                        r.nanosPerRow() / baseline(smallest, r.name()).nanosPerRow()));
            }
            json.append(String.format(Locale.ROOT, "    {\"rows\": %d, \"parquetBytes\": %d, \"unsafeRowBytes\": %d, "
                            + "\"perRowTimeVsSmallest\": {%s},%n     \"variants\": %s}%s%n", p.rows(), p.parquetBytes(), p.unsafeRowBytes(),
                    relative, ScoringBenchmark.json(p.results(), "       "), i + 1 < points.size() ? "," : ""));
        }
        json.append(String.format(Locale.ROOT, "  ],%n  \"memoryCheck\": {\"rows\": %d, \"unsafeRowBytes\": %d, \"parquetBytes\": %d, "
                + "\"maxHeapBytes\": %d, \"inputVsHeap\": %.2f, \"outOfMemory\": false}%n}%n", largest.rows(), largest.unsafeRowBytes(),
                largest.parquetBytes(), heap, times));
        ScoringBenchmark.write(args.json(), json.toString());
    }

    private static ScoringBenchmark.Result baseline(Point smallest, String name) {
        return smallest.results().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }
}
