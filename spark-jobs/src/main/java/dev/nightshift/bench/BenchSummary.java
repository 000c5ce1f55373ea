package dev.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;

/**
 * The last part of {@code scripts/bench --all}: reads the JSON files its sections wrote into one folder
 * ({@code scoring.json}, {@code profiling.json}, {@code landing.json}, {@code night.json}, {@code scaling.json},
 * {@code memory.json}, and the repeated profiling runs in {@link #PROFILING_RUNS}) and prints the performance issue's
 * targets against what this run measured, one row per target and ratio, each met or not. A section whose file is
 * missing (skipped, or it failed) is reported as not measured, never as met. The same rows go to {@code summary.json}
 * in that folder.
 *
 * <p>Some targets are read more than one way (the issue's words leave the shape open, or a literal reading is bounded by
 * something no scoring changes); every reading is printed, and for each target the rows that decide it are marked
 * ({@link Row#decides()}; the README's "How the targets are read" says why each). {@link #verdicts} reads each target
 * off its deciding rows alone.
 */
public final class BenchSummary {

    /**
     * One target row: what the issue asks, what this run measured, whether it met it (null: not measured), and whether
     * this row is one of the readings that decide its target.
     */
    record Row(String target, String variant, String measured, Boolean met, String file, boolean decides) {
        Row(String target, String variant, String measured, Boolean met, String file) {
            this(target, variant, measured, met, file, false);
        }

        Row deciding() {
            return new Row(target, variant, measured, met, file, true);
        }
    }

    /** A target read off its deciding rows: met when all of them are, not measured (null) when any is not measured. */
    record Verdict(String target, List<String> readings, Boolean met) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchSummary() {
    }

    /** {@code main DIR [SECONDS]}: DIR holds the sections' JSON; SECONDS, the whole run's wall time, is printed as given. */
    public static void main(String[] argv) throws IOException {
        if (argv.length < 1 || argv.length > 2) {
            throw new IllegalArgumentException("expected DIR [SECONDS], got " + List.of(argv));
        }
        Path dir = Path.of(argv[0]);
        List<Row> rows = rows(dir);
        StringBuilder out = new StringBuilder("\nthe performance issue's targets, as measured by this run (" + dir + ")");
        if (argv.length == 2) {
            long s = Long.parseLong(argv[1]);
            out.append(String.format(Locale.ROOT, ", which took %d min %02d s", s / 60, s % 60));
        }
        out.append(":\n").append(table(rows)).append(verdictLines(verdicts(rows)));
        System.out.print(out);
        ScoringBenchmark.write(dir.resolve("summary.json"), json(rows));
    }

    static List<Row> rows(Path dir) throws IOException {
        List<Row> rows = new ArrayList<>();
        JsonNode scoring = read(dir, "scoring.json");
        ratio(rows, scoring, "compiled LR ≥ 5× MLlib transform", "compiled LR", "vsBaseline", "scoring.json", r -> r >= 5);
        ratio(rows, scoring, "compiled LR ≥ 5× MLlib transform", "compiled LR, no write", "vsBaseline", "scoring.json", r -> r >= 5);
        pair(rows, scoring, "compiled LR ≥ 5× MLlib transform", "compiled LR, id and score", "MLlib LR, id and score", r -> r >= 5);
        decidesLast(rows);
        ratio(rows, scoring, "compiled GBT ≥ 3× MLlib transform", "compiled GBT", "vsBaseline", "scoring.json", r -> r >= 3);
        ratio(rows, scoring, "compiled GBT ≥ 3× MLlib transform", "compiled GBT, no write", "vsBaseline", "scoring.json", r -> r >= 3);
        pair(rows, scoring, "compiled GBT ≥ 3× MLlib transform", "compiled GBT, id and score", "MLlib GBT, id and score", r -> r >= 3);
        decidesLast(rows);
        // Linear models: against the trivial expression of 3 columns as worded, and (deciding) against the same trivial
        // work over the model's inputs, which is what reading those columns lets any scoring reach.
        ratio(rows, scoring, "linear models ≥ 0.7× the trivial expression", "compiled LR, id and score", "vsBaseline", "scoring.json",
                r -> r >= 0.7);
        pair(rows, scoring, "linear models ≥ 0.7× the trivial expression", "compiled LR, id and score", ScoringBenchmark.TRIVIAL_OVER_INPUTS,
                r -> r >= 0.7);
        decidesLast(rows);
        if (scoring != null && variant(scoring.get("variants"), "compiled linear regression, id and prediction") != null) {
            ratio(rows, scoring, "linear models ≥ 0.7× the trivial expression", "compiled linear regression, id and prediction",
                    "vsBaseline", "scoring.json", r -> r >= 0.7);
            pair(rows, scoring, "linear models ≥ 0.7× the trivial expression", "compiled linear regression, id and prediction",
                    ScoringBenchmark.TRIVIAL_OVER_INPUTS, r -> r >= 0.7);
            decidesLast(rows);
        }

        JsonNode landing = read(dir, "landing.json");
        JsonNode visible = landing == null ? null : landing.path("variants").get("landing");
        rows.add(visible == null ? missing("landing ≥ 0.8× raw binary COPY", "landing (stage + publish): the night visible", "landing.json")
                : decided("landing ≥ 0.8× raw binary COPY", "landing (stage + publish): the night visible",
                visible.path("ratio_to_raw_binary_copy").asDouble(Double.NaN), "%.2f×", r -> r >= 0.8, "landing.json"));
        decidesLast(rows);
        JsonNode narrow = landing == null ? null : landing.path("variants").get(LandingBenchmark.NARROW);
        if (visible != null && narrow != null) { // not a target: what landing's transfer does, without Spark, for reading the above
            rows.add(new Row("landing ≥ 0.8× raw binary COPY", "for reference: " + LandingBenchmark.NARROW
                    + " (one thread, the three columns landing sends)", String.format(Locale.ROOT,
                    "%.2f× raw; landing %.2f× of it", narrow.path("ratio_to_raw_binary_copy").asDouble(),
                    visible.path("rows_per_second").asDouble() / narrow.path("rows_per_second").asDouble()), null, "landing.json"));
        }

        JsonNode profiling = read(dir, "profiling.json");
        ratio(rows, profiling, "validation + drift ≤ 1.5× one plain scan", ProfilingBenchmark.ONE_PASS, "timeVsPlainScan",
                "profiling.json", r -> r <= 1.5);
        ratio(rows, profiling, "validation + drift ≤ 1.5× one plain scan", ProfilingBenchmark.NIGHT, "timeVsPlainScan",
                "profiling.json", r -> r <= 1.5);
        List<JsonNode> runs = profilingRuns(dir);
        for (String name : List.of(ProfilingBenchmark.ONE_PASS, ProfilingBenchmark.NIGHT)) {
            if (runs.isEmpty()) {
                rows.add(missing("validation + drift ≤ 1.5× one plain scan", name + ": the median over runs of one JVM each",
                        PROFILING_RUNS + "/run-1.json").deciding());
                continue;
            }
            List<Double> vsScan = JvmComparison.side(runs, name, dir.resolve(PROFILING_RUNS), "run").vsScan();
            rows.add(decided("validation + drift ≤ 1.5× one plain scan", String.format(Locale.ROOT,
                    "%s: the median over %d runs of one JVM each %s", name, runs.size(), JvmComparison.range(vsScan, "%.2f×")),
                    ScoringBenchmark.median(vsScan), "%.2f×", r -> r <= 1.5, PROFILING_RUNS + "/run-*.json"));
            decidesLast(rows);
        }

        JsonNode night = read(dir, "night.json");
        for (String label : List.of("measured night", "bootstrap night")) {
            JsonNode n = night == null ? null : night(night, label);
            rows.add(n == null ? missing("orchestration overhead ≤ 10 s a night", label, "night.json")
                    : decided("orchestration overhead ≤ 10 s a night", label + String.format(Locale.ROOT, " (%,d rows)",
                            n.path("rowsScored").asLong()), n.path("overheadSeconds").asDouble(Double.NaN), "%.1f s",
                    s -> s <= night.path("overheadTargetSeconds").asDouble(10), "night.json"));
            decidesLast(rows);
        }

        JsonNode scaling = read(dir, "scaling.json");
        if (scaling == null) {
            rows.add(missing("per-row time within ±20% from the smallest size to the largest", "copy, compiled LR", "scaling.json"));
            rows.add(missing(NET_OF_FIXED_COST, "copy, compiled LR", "scaling.json").deciding());
            rows.add(missing(TASK_CPU, "copy, compiled LR", "scaling.json"));
        } else {
            JsonNode sizes = scaling.path("sizes");
            double worst = 1;
            for (JsonNode size : sizes) {
                for (JsonNode relative : size.path("perRowTimeVsSmallest")) {
                    worst = Math.abs(relative.asDouble() - 1) > Math.abs(worst - 1) ? relative.asDouble() : worst;
                }
            }
            String range = String.format(Locale.ROOT, "%,d to %,d rows", sizes.path(0).path("rows").asLong(),
                    sizes.path(sizes.size() - 1).path("rows").asLong());
            final double farthest = worst;
            rows.add(new Row("per-row time within ±20% from the smallest size to the largest", "copy, compiled LR, " + range,
                    String.format(Locale.ROOT, "farthest %.2f× of the smallest size's%s", farthest,
                            farthest < 1 - ScoringBenchmark.LINEAR_TOLERANCE ? " (a row cheaper at larger sizes)" : ""),
                    sizes.size() >= 2 && ScoringBenchmark.withinLinearTolerance(farthest), "scaling.json"));
            rows.add(marginal(sizes, range));
            rows.add(netOfFixedCost(scaling, range).deciding());
            rows.add(taskCpu(sizes, range));
        }

        JsonNode memory = read(dir, "memory.json");
        JsonNode check = memory == null ? null : memory.get("memoryCheck");
        rows.add(check == null ? missing("an input 10× the heap scores without running out of memory", "copy, compiled LR", "memory.json")
                : decided("an input 10× the heap scores without running out of memory", String.format(Locale.ROOT,
                        "%,d rows, heap %s", check.path("rows").asLong(), HeapWatch.mb(check.path("maxHeapBytes").asLong())),
                check.path("inputVsHeap").asDouble(Double.NaN), "input %.1f× the heap, scored", r -> r >= Scaling.HEAP_MULTIPLE, "memory.json"));
        decidesLast(rows);
        return rows;
    }

    /** Marks the row just added as one that decides its target. */
    private static void decidesLast(List<Row> rows) {
        rows.set(rows.size() - 1, rows.get(rows.size() - 1).deciding());
    }

    /**
     * Each target, in the order of its first deciding row, read off its deciding rows: met when every one of them is met,
     * not measured when any is not measured, else not met. Rows that do not decide are not read.
     */
    static List<Verdict> verdicts(List<Row> rows) {
        Map<String, List<Row>> deciding = new LinkedHashMap<>();
        rows.stream().filter(Row::decides).forEach(r -> deciding.computeIfAbsent(r.target(), t -> new ArrayList<>()).add(r));
        List<Verdict> verdicts = new ArrayList<>();
        deciding.forEach((target, rs) -> verdicts.add(new Verdict(target, rs.stream().map(Row::variant).toList(),
                rs.stream().anyMatch(r -> r.met() == null) ? null : rs.stream().allMatch(Row::met))));
        return verdicts;
    }

    /** The verdicts as the summary prints them under its table: how many targets were met, and which were not. */
    static String verdictLines(List<Verdict> verdicts) {
        long met = verdicts.stream().filter(v -> Boolean.TRUE.equals(v.met())).count();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%neach target on the readings that decide it (marked above; the README's \"How the targets are read\"): "
                        + "%d of %d met%n", met, verdicts.size()));
        for (Verdict v : verdicts) {
            if (!Boolean.TRUE.equals(v.met())) {
                out.append(String.format(Locale.ROOT, "  %s: %s (%s)%n", v.met() == null ? "not measured" : "NOT MET", v.target(),
                        String.join("; ", v.readings())));
            }
        }
        return out.toString();
    }

    /**
     * The folder of {@code --all}'s repeated profiling runs, {@code run-1.json}, {@code run-2.json}, ...: one run of the
     * profiling benchmark varies from the next about as much as the target's margin, so the target is also read on the
     * median of several, each a fresh JVM.
     */
    static final String PROFILING_RUNS = "profiling-runs";

    private static List<JsonNode> profilingRuns(Path dir) throws IOException {
        List<JsonNode> runs = new ArrayList<>();
        for (int i = 1; Files.exists(dir.resolve(PROFILING_RUNS).resolve("run-" + i + ".json")); i++) {
            runs.add(read(dir.resolve(PROFILING_RUNS), "run-" + i + ".json"));
        }
        return runs;
    }

    static final String MARGINAL = "a second reading of linear cost: what each added row costs, from one size to the next, "
            + "within ±20% of the first step's";

    /**
     * Cost linear in rows read as time = fixed + rows × marginal: the marginal time per row of each step between
     * consecutive sizes (difference of the median times over difference of the rows), as a multiple of the first
     * step's; needs three sizes. The per-row time above also divides each round's fixed costs (job start, listing,
     * commit) by the rows, which weighs them most at the smallest size.
     */
    private static Row marginal(JsonNode sizes, String range) {
        if (sizes.size() < 3) {
            return new Row(MARGINAL, "copy, compiled LR", "not measured (needs three sizes, scaling.json has " + sizes.size() + ")",
                    null, "scaling.json");
        }
        double farthest = 1;
        String at = "";
        for (JsonNode v : sizes.path(0).path("variants")) {
            String name = v.path("name").asText();
            double first = Double.NaN;
            for (int i = 1; i < sizes.size(); i++) {
                double step = step(sizes.path(i - 1), sizes.path(i), name);
                if (i == 1) {
                    first = step;
                } else if (Math.abs(step / first - 1) > Math.abs(farthest - 1) || Double.isNaN(step / first)) {
                    farthest = step / first;
                    at = String.format(Locale.ROOT, " (%s, %,d to %,d rows)", name, sizes.path(i - 1).path("rows").asLong(),
                            sizes.path(i).path("rows").asLong());
                }
            }
        }
        return new Row(MARGINAL, "copy, compiled LR, " + range, String.format(Locale.ROOT, "farthest %.2f× of the first step's%s",
                farthest, at), !Double.isNaN(farthest) && ScoringBenchmark.withinLinearTolerance(farthest), "scaling.json");
    }

    static final String NET_OF_FIXED_COST = "a third reading of linear cost: per-row time net of the per-query cost (a round over a "
            + "small input), within ±20% of the smallest size's";

    /**
     * Cost linear in rows read as time = fixed + rows × per-row, with the fixed part measured rather than fitted: each
     * size's time less that of a round over the small input in {@code fixedCost}, per row beyond it
     * ({@link Scaling#netNanosPerRow}), as a multiple of the smallest size's.
     */
    private static Row netOfFixedCost(JsonNode scaling, String range) {
        JsonNode fixed = scaling.get("fixedCost");
        JsonNode sizes = scaling.path("sizes");
        if (fixed == null) {
            return new Row(NET_OF_FIXED_COST, "copy, compiled LR", "not measured (scaling.json has no fixedCost: one size, "
                    + "or written before 2026-12-06, evening)", null, "scaling.json");
        }
        long fixedRows = fixed.path("rows").asLong();
        double farthest = 1;
        String at = "";
        for (JsonNode f : fixed.path("variants")) {
            String name = f.path("name").asText();
            JsonNode first = variant(sizes.path(0).path("variants"), name);
            List<Double> rounds = new ArrayList<>();
            f.path("seconds").forEach(x -> rounds.add(x.asDouble()));
            double spread = first == null || rounds.isEmpty() ? Double.NaN : Scaling.netSpread(seconds(first), rounds, seconds(f));
            if (!Double.isNaN(spread) && !Scaling.netReadable(spread)) {
                return new Row(NET_OF_FIXED_COST, String.format(Locale.ROOT, "copy, compiled LR, %s, less a round over %,d rows", range,
                        fixedRows), String.format(Locale.ROOT, "not readable at these sizes: %s", Double.isInfinite(spread)
                        ? String.format(Locale.ROOT, "%s's net time at %,d rows is not positive", name, sizes.path(0).path("rows").asLong())
                        : String.format(Locale.ROOT, "the small input's rounds move %s's net time at %,d rows by ±%.0f%%, more than ±%.0f%%",
                        name, sizes.path(0).path("rows").asLong(), spread * 100, ScoringBenchmark.LINEAR_TOLERANCE * 100)), null, "scaling.json");
            }
            double smallest = Double.NaN;
            for (int i = 0; i < sizes.size(); i++) {
                JsonNode v = variant(sizes.path(i).path("variants"), name);
                long rows = sizes.path(i).path("rows").asLong();
                double net = v == null ? Double.NaN : Scaling.netNanosPerRow(rows, seconds(v), fixedRows, seconds(f));
                if (i == 0) {
                    smallest = net;
                } else if (Math.abs(net / smallest - 1) > Math.abs(farthest - 1) || Double.isNaN(net / smallest)) {
                    farthest = net / smallest;
                    at = String.format(Locale.ROOT, " (%s, %,d rows)", name, rows);
                }
            }
        }
        return new Row(NET_OF_FIXED_COST, String.format(Locale.ROOT, "copy, compiled LR, %s, less a round over %,d rows", range, fixedRows),
                String.format(Locale.ROOT, "farthest %.2f× of the smallest size's%s", farthest, at),
                !Double.isNaN(farthest) && ScoringBenchmark.withinLinearTolerance(farthest), "scaling.json");
    }

    static final String TASK_CPU = "beside linear cost, an explanation and not a reading of it: the tasks' CPU per row within ±20% of "
            + "the smallest size's";

    /**
     * The CPU time of the Spark tasks per row ({@link TaskCpu}) at each size, as a multiple of the smallest size's: what
     * the rows cost the task threads, apart from what a round pays around them (planning, the JIT, the collector, a core
     * idle at a stage's end). Printed to tell a per-row time that moves between sizes from rows that cost more.
     */
    private static Row taskCpu(JsonNode sizes, String range) {
        double farthest = 1;
        String at = "";
        for (int i = 1; i < sizes.size(); i++) {
            JsonNode relative = sizes.path(i).get("taskCpuVsSmallest");
            if (relative == null) {
                return new Row(TASK_CPU, "copy, compiled LR", "not measured (scaling.json written before 2026-12-07, morning)",
                        null, "scaling.json");
            }
            for (Map.Entry<String, JsonNode> e : relative.properties()) {
                if (Math.abs(e.getValue().asDouble() - 1) > Math.abs(farthest - 1)) {
                    farthest = e.getValue().asDouble();
                    at = String.format(Locale.ROOT, " (%s, %,d rows)", e.getKey(), sizes.path(i).path("rows").asLong());
                }
            }
        }
        return new Row(TASK_CPU, "copy, compiled LR, " + range, String.format(Locale.ROOT, "farthest %.2f× of the smallest size's%s",
                farthest, at), sizes.size() >= 2 && ScoringBenchmark.withinLinearTolerance(farthest), "scaling.json");
    }

    /** A variant's median seconds a round, from its rows and nanoseconds per row. */
    private static double seconds(JsonNode variant) {
        return variant.path("rows").asLong() * variant.path("nanosPerRow").asDouble(Double.NaN) / 1e9;
    }

    /** Nanoseconds per added row of variant {@code name} from size {@code a} to size {@code b} (NaN when it is missing). */
    private static double step(JsonNode a, JsonNode b, String name) {
        JsonNode va = variant(a.path("variants"), name);
        JsonNode vb = variant(b.path("variants"), name);
        if (va == null || vb == null) {
            return Double.NaN;
        }
        return Scaling.netNanosPerRow(b.path("rows").asLong(), seconds(vb), a.path("rows").asLong(), seconds(va));
    }

    /**
     * {@code name}'s rows/s over {@code baseline}'s, both from the scoring file (the issue's own table measured MLlib and
     * the compiled form each writing the id and the score; the linear models are also read against the trivial expression
     * over their own inputs).
     */
    private static void pair(List<Row> rows, JsonNode file, String target, String name, String baseline, DoublePredicate met) {
        JsonNode variants = file == null ? null : file.get("variants");
        JsonNode v = variant(variants, name);
        JsonNode b = variant(variants, baseline);
        String label = name + ", against " + baseline;
        rows.add(v == null || b == null ? missing(target, label, "scoring.json") : decided(target, label,
                v.path("rowsPerSecond").asDouble(Double.NaN) / b.path("rowsPerSecond").asDouble(Double.NaN), "%.2f×", met, "scoring.json"));
    }

    private static void ratio(List<Row> rows, JsonNode file, String target, String name, String field, String fileName,
                              DoublePredicate met) {
        JsonNode v = file == null ? null : variant(file.get("variants"), name);
        rows.add(v == null || !v.hasNonNull(field) ? missing(target, name, fileName)
                : decided(target, name, v.get(field).asDouble(), "%.2f×", met, fileName));
    }

    private static Row decided(String target, String variant, double value, String format, DoublePredicate met, String file) {
        if (Double.isNaN(value)) {
            return missing(target, variant, file);
        }
        return new Row(target, variant, String.format(Locale.ROOT, format, value), met.test(value), file);
    }

    private static Row missing(String target, String variant, String file) {
        return new Row(target, variant, "not measured (" + file + " missing or without it)", null, file);
    }

    private static JsonNode variant(JsonNode variants, String name) {
        if (variants != null) {
            for (JsonNode v : variants) {
                if (name.equals(v.path("name").asText())) {
                    return v;
                }
            }
        }
        return null;
    }

    private static JsonNode night(JsonNode night, String label) {
        for (JsonNode n : night.path("nights")) {
            if (n.path("label").asText().startsWith(label)) {
                return n;
            }
        }
        return null;
    }

    private static JsonNode read(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is not the JSON a benchmark section writes: " + e.getMessage(), e);
        }
    }

    static String table(List<Row> rows) {
        StringBuilder t = new StringBuilder("| target | variant | measured | met | decides the target |\n|---|---|---|---|---|\n");
        for (Row r : rows) {
            t.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", r.target(), r.variant(), r.measured(),
                    r.met() == null ? "—" : r.met() ? "yes" : "**no**", r.decides() ? "decides" : ""));
        }
        return t.toString();
    }

    static String json(List<Row> rows) throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("targets", rows);
        summary.put("verdicts", verdicts(rows));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n";
    }
}
