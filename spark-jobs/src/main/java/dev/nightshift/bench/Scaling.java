package dev.nightshift.bench;

import dev.nightshift.scoring.compiled.CompiledPipeline;
import dev.nightshift.scoring.compiled.PipelineCompiler;
import dev.nightshift.scoring.compiled.Translation;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code scripts/bench --scaling SIZES}: the Parquet copy and compiled logistic-regression scoring at each size (one
 * model, trained once on the smallest size's sample), with rows/s, time per row relative to the smallest size (the
 * performance issue asks for ±20% from 1M to 16M rows) and the JVM's heap, then how the largest input compares with
 * the heap: scoring streams rows through fixed-size batches, so a dataset many times the heap must score without
 * running out of memory.
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
        Path inputDir = args.work().resolve("scaling-input").toAbsolutePath();
        String input = inputDir.toString();
        String output = args.work().resolve("scaling-output").toAbsolutePath().toString();
        List<Point> points = new ArrayList<>();
        CompiledPipeline lr = null;
        for (long rows : args.scaling()) {
            System.out.printf(Locale.ROOT, "%ngenerating %,d rows into %s%n", rows, input);
            ScoringBenchmark.generate(spark, rows).write().mode("overwrite").parquet(input);
            if (lr == null) {
                PipelineModel model = ScoringBenchmark.train(spark, input, List.of(ScoringBenchmark.ModelCase.LR))
                        .get(ScoringBenchmark.ModelCase.LR);
                Translation t = PipelineCompiler.compile(model, ScoringBenchmark.read(spark, input).schema(),
                        ScoringBenchmark.ModelCase.LR.task);
                if (!(t instanceof Translation.Compiled c)) {
                    throw new IllegalStateException("benchmark model did not compile: " + ((Translation.Fallback) t).message());
                }
                lr = c.pipeline();
            }
            List<ScoringBenchmark.Variant> variants = List.of(ScoringBenchmark.copy(spark, input, output),
                    ScoringBenchmark.compiled(ScoringBenchmark.ModelCase.LR, lr, spark, input, output));
            // The JVM is warm after the first size; later sizes go straight to timed rounds.
            List<ScoringBenchmark.Result> results = ScoringBenchmark.measure(variants, rows, args.rounds(), points.isEmpty());
            points.add(new Point(rows, ScoringBenchmark.directoryBytes(inputDir), ScoringBenchmark.unsafeRowBytes(spark, input), results));
        }

        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nscaling: median of %d rounds at each size, %d cores; %s%n",
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
