package dev.nightshift.bench;

import dev.nightshift.scoring.compiled.CompiledPipeline;
import dev.nightshift.scoring.compiled.PipelineCompiler;
import dev.nightshift.scoring.compiled.Translation;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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
 * then the rounds alternate between the sizes. With two sizes or more, a small input ({@link #fixedCostRows}) is timed
 * in the same rounds, once after each size: what a round costs whatever its rows (the query's planning, Parquet's
 * schema job, the tasks' start, the output's commit), so that the per-row time can also be read net of it. The
 * smallest size, which every ratio is taken against, is likewise timed once after each size, its rounds pooled.
 */
final class Scaling {

    /** The timed rows at one size, and the input's size on disk and as Spark rows. */
    record Point(long rows, long parquetBytes, long unsafeRowBytes, List<ScoringBenchmark.Result> results) {
    }

    /** The median over {@code cpuNanos} (one entry a timed round) of a round's task CPU, per row of {@code rows}. */
    static double taskCpuNanosPerRow(List<Long> cpuNanos, long rows) {
        return ScoringBenchmark.median(cpuNanos.stream().map(n -> (double) n).toList()) / rows;
    }

    /** The issue's memory check: an input this many times the heap, as Spark rows, scores without running out of memory. */
    static final int HEAP_MULTIPLE = 10;

    /** The small input's rows: a round over it is mostly the per-query cost that every size pays once. */
    static final long FIXED_COST_ROWS = 10_000;

    /** The small input's rows for these sizes: {@link #FIXED_COST_ROWS}, at most a tenth of the smallest; 0 (none) for one size. */
    static long fixedCostRows(List<Long> sizes) {
        return sizes.size() < 2 ? 0 : Math.min(FIXED_COST_ROWS, sizes.get(0) / 10);
    }

    /**
     * Nanoseconds per row net of the per-query cost: what {@code rows} took beyond what {@code fixedRows} took, per row
     * beyond them. A cost of {@code a + b·rows} gives {@code b} at every size, whatever {@code a}.
     */
    static double netNanosPerRow(long rows, double seconds, long fixedRows, double fixedSeconds) {
        return (seconds - fixedSeconds) * 1e9 / (rows - fixedRows);
    }

    /**
     * How far the small input's rounds move the smallest size's net time: half their range (lowest to highest round) over
     * that net time ({@code smallestSeconds} less the small input's median); infinite when the net time is not positive.
     * The net reading is a difference, so at sizes near the small input it is the difference of two noises: with sizes of
     * 20,000 and 40,000 rows a run printed a negative net time. Above {@link ScoringBenchmark#LINEAR_TOLERANCE} the
     * reading cannot tell the tolerance at the smallest size, and the ratios against it say nothing.
     */
    static double netSpread(double smallestSeconds, List<Double> fixedSeconds, double fixedMedianSeconds) {
        double net = smallestSeconds - fixedMedianSeconds;
        double halfRange = (Collections.max(fixedSeconds) - Collections.min(fixedSeconds)) / 2;
        return net > 0 ? halfRange / net : Double.POSITIVE_INFINITY;
    }

    /** Whether a {@link #netSpread} lets the net reading tell the tolerance. */
    static boolean netReadable(double spread) {
        return spread <= ScoringBenchmark.LINEAR_TOLERANCE;
    }

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
        long fixedRows = fixedCostRows(args.scaling());
        Path fixedInput = args.work().resolve("scaling-input").resolve("fixed-cost").toAbsolutePath();
        if (fixedRows > 0) {
            System.out.printf(Locale.ROOT, "%ngenerating %,d rows (the per-query cost's input) into %s%n", fixedRows, fixedInput);
            ScoringBenchmark.generate(spark, fixedRows).write().mode("overwrite").parquet(fixedInput.toString());
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
        TaskCpu taskCpu = TaskCpu.install(spark.sparkContext());
        Map<String, Long> rowsOf = new HashMap<>();
        Map<String, String> nameOf = new HashMap<>();
        // The small input and the smallest size are timed once after every size in a round (their rounds pooled): every
        // ratio is taken against them, and theirs are the shortest rounds, so the host's noise weighs most on them (one
        // run's three compiled LR rounds at 1,000,000 rows took 0.86 to 1.45 s); a median over that many rounds moves
        // less, and it follows a different size's write each time.
        long smallestRows = inputs.keySet().iterator().next();
        int repeat = 0;
        for (Map.Entry<Long, Path> e : inputs.entrySet()) {
            repeat++;
            List<Map.Entry<Long, Path>> timedHere = e.getKey() == smallestRows ? List.of(e)
                    : List.of(e, Map.entry(smallestRows, inputs.get(smallestRows)));
            for (Map.Entry<Long, Path> size : timedHere) {
                for (ScoringBenchmark.Variant v : List.of(ScoringBenchmark.copy(spark, size.getValue().toString(), output),
                        ScoringBenchmark.compiled(ScoringBenchmark.ModelCase.LR, lr, spark, size.getValue().toString(), output))) {
                    String sized = String.format(Locale.ROOT, "%s, %,d rows", v.name(), size.getKey())
                            + (size.getKey() == smallestRows && inputs.size() >= 2 ? " #" + repeat : "");
                    variants.add(new ScoringBenchmark.Variant(sized, v.baseline(), taskCpu.wrap(sized, v.work())));
                    rowsOf.put(sized, size.getKey());
                    nameOf.put(sized, v.name());
                }
            }
            for (ScoringBenchmark.Variant v : fixedRows == 0 ? List.<ScoringBenchmark.Variant>of() : List.of(
                    ScoringBenchmark.copy(spark, fixedInput.toString(), output),
                    ScoringBenchmark.compiled(ScoringBenchmark.ModelCase.LR, lr, spark, fixedInput.toString(), output))) {
                String sized = String.format(Locale.ROOT, "%s, %,d rows #%d", v.name(), fixedRows, repeat);
                variants.add(new ScoringBenchmark.Variant(sized, v.baseline(), taskCpu.wrap(sized, v.work())));
                rowsOf.put(sized, fixedRows);
                nameOf.put(sized, v.name());
            }
        }
        List<ScoringBenchmark.Result> measured = ScoringBenchmark.measure(variants, 1, args.rounds(), true, Path.of(output));
        // Each variant's timed rounds' task CPU (its first run is the untimed warm-up), pooled like the seconds: per rows,
        // per variant name, the task CPU per row.
        Map<Long, Map<String, List<Long>>> cpuOf = new HashMap<>();
        for (ScoringBenchmark.Result r : measured) {
            List<Long> runs = taskCpu.cpuNanos(r.name());
            cpuOf.computeIfAbsent(rowsOf.get(r.name()), k -> new LinkedHashMap<>())
                    .computeIfAbsent(nameOf.get(r.name()), k -> new ArrayList<>()).addAll(runs.subList(1, runs.size()));
        }
        List<Point> points = new ArrayList<>();
        for (Map.Entry<Long, Path> e : inputs.entrySet()) {
            Map<String, ScoringBenchmark.Result> byName = new LinkedHashMap<>();
            measured.stream().filter(r -> rowsOf.get(r.name()).equals(e.getKey())).forEach(r -> byName.merge(nameOf.get(r.name()),
                    new ScoringBenchmark.Result(nameOf.get(r.name()), r.baseline(), e.getKey(), r.seconds(), r.heap()), Scaling::pool));
            List<ScoringBenchmark.Result> results = List.copyOf(byName.values());
            points.add(new Point(e.getKey(), ScoringBenchmark.directoryBytes(e.getValue()),
                    ScoringBenchmark.unsafeRowBytes(spark, e.getValue().toString()), results));
        }
        Map<String, ScoringBenchmark.Result> pooled = new LinkedHashMap<>();
        measured.stream().filter(r -> fixedRows > 0 && rowsOf.get(r.name()) == fixedRows)
                .forEach(r -> pooled.merge(nameOf.get(r.name()), new ScoringBenchmark.Result(nameOf.get(r.name()), r.baseline(),
                        fixedRows, r.seconds(), r.heap()), Scaling::pool));
        List<ScoringBenchmark.Result> fixed = List.copyOf(pooled.values());

        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nscaling: median of %d alternating rounds over all sizes%s, %d cores; %s%n",
                args.rounds(), inputs.size() < 2 ? "" : String.format(Locale.ROOT, " (the smallest size and the small input: of %d, "
                        + "timed after every size)", args.rounds() * inputs.size()),
                Runtime.getRuntime().availableProcessors(), HeapWatch.describeJvm()));
        out.append("| rows | variant | rows/s | ns per row | per-row time vs smallest | net of the per-query cost: ns per row, vs smallest "
                + "| tasks' CPU: ns per row, vs smallest | peak heap | max heap after GC | seconds per round |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (ScoringBenchmark.Result r : fixed) {
            out.append(String.format(Locale.ROOT, "| %,d | %s (the per-query cost) | %s | %.0f | | | %.0f | %s | %s | %s |%n", fixedRows, r.name(),
                    ScoringBenchmark.human(r.rowsPerSecond()), r.nanosPerRow(), cpu(cpuOf, fixedRows, r.name()), HeapWatch.mb(r.heap().usedBytes()),
                    HeapWatch.mb(r.heap().afterGcBytes()), ScoringBenchmark.rounds(r)));
        }
        Point smallest = points.get(0);
        boolean linear = true;
        boolean linearNet = !fixed.isEmpty();
        boolean cpuLinear = true;
        StringBuilder spreads = new StringBuilder();
        boolean readable = true;
        for (ScoringBenchmark.Result f : fixed) {
            double spread = netSpread(baseline(smallest, f.name()).medianSeconds(), f.seconds(), f.medianSeconds());
            readable &= netReadable(spread);
            spreads.append(spreads.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %s", f.name(),
                    Double.isInfinite(spread) ? "(its net time is not positive)" : String.format(Locale.ROOT, "±%.0f%%", spread * 100)));
        }
        for (Point p : points) {
            for (ScoringBenchmark.Result r : p.results()) {
                double relative = r.nanosPerRow() / baseline(smallest, r.name()).nanosPerRow();
                linear &= ScoringBenchmark.withinLinearTolerance(relative);
                String net = "";
                if (!fixed.isEmpty()) {
                    double ns = net(p, r, fixed);
                    double netRelative = ns / net(smallest, baseline(smallest, r.name()), fixed);
                    linearNet &= ScoringBenchmark.withinLinearTolerance(netRelative);
                    net = String.format(Locale.ROOT, "%.0f, %.2f×", ns, netRelative);
                }
                double cpu = cpu(cpuOf, p.rows(), r.name());
                double cpuRelative = cpu / cpu(cpuOf, smallest.rows(), r.name());
                cpuLinear &= ScoringBenchmark.withinLinearTolerance(cpuRelative);
                out.append(String.format(Locale.ROOT, "| %,d | %s | %s | %.0f | %.2f× | %s | %.0f, %.2f× | %s | %s | %s |%n", p.rows(), r.name(),
                        ScoringBenchmark.human(r.rowsPerSecond()), r.nanosPerRow(), relative, net, cpu, cpuRelative,
                        HeapWatch.mb(r.heap().usedBytes()),
                        HeapWatch.mb(r.heap().afterGcBytes()), ScoringBenchmark.rounds(r)));
            }
        }
        out.append(String.format(Locale.ROOT, "per-row time within ±%.0f%% of the smallest size's at every size: %s%n",
                ScoringBenchmark.LINEAR_TOLERANCE * 100, linear ? "yes" : "NO"));
        if (!fixed.isEmpty()) {
            out.append(String.format(Locale.ROOT, "the small input's rounds, lowest to highest, move the smallest size's net time by: %s%n", spreads));
            out.append(String.format(Locale.ROOT, "per-row time net of the per-query cost (a round over %,d rows) within ±%.0f%% of the "
                    + "smallest size's at every size: %s%n", fixedRows, ScoringBenchmark.LINEAR_TOLERANCE * 100, !readable
                    ? String.format(Locale.ROOT, "NOT READABLE at these sizes (the small input's spread is more than ±%.0f%% of the smallest "
                    + "size's net time; the reading is meant for sizes far above %,d rows)", ScoringBenchmark.LINEAR_TOLERANCE * 100, fixedRows)
                    : linearNet ? "yes" : "NO"));
        }
        out.append(String.format(Locale.ROOT, "tasks' CPU per row within ±%.0f%% of the smallest size's at every size: %s (what the rows "
                + "cost the task threads, without the driver's planning, the JIT's compilations, the collector's threads or a core idle "
                + "while a stage's last task finishes, all of which the wall time pays; an explanation, not the issue's reading)%n",
                ScoringBenchmark.LINEAR_TOLERANCE * 100, cpuLinear ? "yes" : "NO"));
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
                .append(",\n  \"linearWithinTolerance\": ").append(linear)
                .append(",\n  \"taskCpuLinearWithinTolerance\": ").append(cpuLinear);
        if (!fixed.isEmpty()) {
            json.append(",\n  \"linearNetOfFixedCostWithinTolerance\": ").append(readable ? Boolean.toString(linearNet) : "null").append(String.format(Locale.ROOT,
                    ",%n  \"fixedCost\": {\"rows\": %d, \"taskCpuNanosPerRow\": {%s},%n    \"variants\": %s}", fixedRows,
                    cpuJson(cpuOf, fixedRows, fixed, null), ScoringBenchmark.json(fixed, "    ")));
        }
        json.append(",\n  \"sizes\": [\n");
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            StringBuilder relative = new StringBuilder();
            for (ScoringBenchmark.Result r : p.results()) {
                relative.append(relative.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "\"%s\": %.4f", r.name(),
                        r.nanosPerRow() / baseline(smallest, r.name()).nanosPerRow()));
            }
            json.append(String.format(Locale.ROOT, "    {\"rows\": %d, \"parquetBytes\": %d, \"unsafeRowBytes\": %d, "
                            + "\"perRowTimeVsSmallest\": {%s},%n     \"taskCpuNanosPerRow\": {%s}, \"taskCpuVsSmallest\": {%s},%n"
                            + "     \"variants\": %s}%s%n", p.rows(), p.parquetBytes(), p.unsafeRowBytes(), relative,
                    cpuJson(cpuOf, p.rows(), p.results(), null), cpuJson(cpuOf, p.rows(), p.results(), smallest),
                    ScoringBenchmark.json(p.results(), "       "), i + 1 < points.size() ? "," : ""));
        }
        json.append(String.format(Locale.ROOT, "  ],%n  \"memoryCheck\": {\"rows\": %d, \"unsafeRowBytes\": %d, \"parquetBytes\": %d, "
                + "\"maxHeapBytes\": %d, \"inputVsHeap\": %.2f, \"outOfMemory\": false}%n}%n", largest.rows(), largest.unsafeRowBytes(),
                largest.parquetBytes(), heap, times));
        ScoringBenchmark.write(args.json(), json.toString());
    }

    /** The task CPU per row of the variant {@code name}'s timed rounds over {@code rows} rows. */
    private static double cpu(Map<Long, Map<String, List<Long>>> cpuOf, long rows, String name) {
        return taskCpuNanosPerRow(cpuOf.get(rows).get(name), rows);
    }

    /** Each result's task CPU per row as JSON fields, or (with {@code smallest}) its ratio to the smallest size's. */
    private static String cpuJson(Map<Long, Map<String, List<Long>>> cpuOf, long rows, List<ScoringBenchmark.Result> results, Point smallest) {
        StringBuilder s = new StringBuilder();
        for (ScoringBenchmark.Result r : results) {
            double cpu = cpu(cpuOf, rows, r.name());
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "\"%s\": %.4f", r.name(),
                    smallest == null ? cpu : cpu / cpu(cpuOf, smallest.rows(), r.name())));
        }
        return s.toString();
    }

    private static double net(Point p, ScoringBenchmark.Result r, List<ScoringBenchmark.Result> fixed) {
        ScoringBenchmark.Result f = fixed.stream().filter(x -> x.name().equals(r.name())).findFirst().orElseThrow();
        return netNanosPerRow(p.rows(), r.medianSeconds(), f.rows(), f.medianSeconds());
    }

    /** One variant's rounds over the small input from all its places in the rounds: every round's seconds, the larger heap. */
    static ScoringBenchmark.Result pool(ScoringBenchmark.Result a, ScoringBenchmark.Result b) {
        List<Double> seconds = new ArrayList<>(a.seconds());
        seconds.addAll(b.seconds());
        return new ScoringBenchmark.Result(a.name(), a.baseline(), a.rows(), seconds, HeapWatch.Peak.max(a.heap(), b.heap()));
    }

    private static ScoringBenchmark.Result baseline(Point smallest, String name) {
        return smallest.results().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }
}
