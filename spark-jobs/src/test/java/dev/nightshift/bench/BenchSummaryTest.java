package dev.nightshift.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The targets table of {@code scripts/bench --all}, over files written by the sections' own JSON writers. */
class BenchSummaryTest {

    private static final HeapWatch.Peak HEAP = new HeapWatch.Peak(1L << 30, 1L << 28);

    @Test
    void everyTargetIsDecidedFromTheSectionsFiles(@TempDir Path dir) throws Exception {
        // Scoring: medians 10 s for MLlib LR, 4 s for compiled LR (2.5×), 1 s without the write against 6 s (6×) ...
        List<ScoringBenchmark.Result> scoring = List.of(
                result("copy", "copy", 5),
                result(ScoringBenchmark.TRIVIAL, "copy", 2),
                result("MLlib LR", "copy", 10),
                result("compiled LR", "MLlib LR", 4),
                result("MLlib GBT", "copy", 12),
                result("compiled GBT", "MLlib GBT", 3.9),
                result("MLlib LR, no write", "copy", 6),
                result("compiled LR, no write", "MLlib LR, no write", 1),
                result("compiled LR, id and score", ScoringBenchmark.TRIVIAL, 2.5),
                result(ScoringBenchmark.TRIVIAL_OVER_INPUTS, ScoringBenchmark.TRIVIAL, 2.2),
                result("MLlib LR, id and score", "copy", 8));
        Files.writeString(dir.resolve("scoring.json"), "{\"variants\": " + ScoringBenchmark.json(scoring, "  ") + "}");

        Files.writeString(dir.resolve("landing.json"), new LandingBenchmark.Result(1_000_000, 3,
                ordered("raw-binary-copy", 700_000.0, LandingBenchmark.NARROW, 1_000_000.0, "landing", 574_000.0),
                ordered("raw-binary-copy", 1.0, LandingBenchmark.NARROW, 1.43, "landing", 0.82),
                ordered("raw-binary-copy", List.of(1.4), LandingBenchmark.NARROW, List.of(1.0), "landing", List.of(1.7))).json());

        Map<String, List<Double>> seconds = ordered(ProfilingBenchmark.PLAIN_SCAN, List.of(1.0), ProfilingBenchmark.ONE_PASS, List.of(1.6),
                ProfilingBenchmark.NIGHT, List.of(1.4));
        Files.writeString(dir.resolve("profiling.json"), ProfilingBenchmark.json(new ProfilingBenchmark.Result(5_000_000, 3, 1, seconds,
                ordered(ProfilingBenchmark.PLAIN_SCAN, 5e6, ProfilingBenchmark.ONE_PASS, 3.1e6, ProfilingBenchmark.NIGHT, 3.6e6),
                ordered(ProfilingBenchmark.PLAIN_SCAN, 1.0, ProfilingBenchmark.ONE_PASS, 1.6, ProfilingBenchmark.NIGHT, 1.4),
                seconds, ordered(ProfilingBenchmark.PLAIN_SCAN, 1.0, ProfilingBenchmark.ONE_PASS, 1.6, ProfilingBenchmark.NIGHT, 1.4))));

        // --all's repeated runs of the pass and the night's: ratios 1.6, 1.4, 1.45 (median 1.45, met) and 1.3, 1.7, 1.55
        // (median 1.55, not met); a fifth file without a fourth is not read
        Files.createDirectories(dir.resolve(BenchSummary.PROFILING_RUNS));
        double[][] ratios = {{1.6, 1.3}, {1.4, 1.7}, {1.45, 1.55}};
        for (int i = 0; i < ratios.length; i++) {
            profilingRun(dir.resolve(BenchSummary.PROFILING_RUNS).resolve("run-" + (i + 1) + ".json"), ratios[i][0], ratios[i][1]);
        }
        profilingRun(dir.resolve(BenchSummary.PROFILING_RUNS).resolve("run-5.json"), 9, 9);

        Files.writeString(dir.resolve("night.json"), "{\"overheadTargetSeconds\": 10.0, \"nights\": [\n"
                + NightlyRunBenchmark.json(night("measured night", 60, 54)) + ",\n"
                + NightlyRunBenchmark.json(night("bootstrap night (trains the first champion)", 120, 109)) + "\n]}");

        // Scaling: copy 2, 5 and 17 s at 1M, 4M and 16M rows (each added row 1,000 ns in both steps), compiled LR 1.5,
        // 4.5 and 18 s (1,000 ns, then 1,125 ns): per row 0.53× and 0.75× of the smallest size's, outside ±20%, while
        // an added row costs at most 1.125× of the first step's. A round over 10,000 rows took 1.01 s (copy) and
        // 0.51 s (LR), so net of it the copy's rows cost 0.99 s / 990,000 = 1,000 ns at 1M and (17 − 1.01) / 15,990,000
        // = 1,000 ns at 16M, and LR's 1,000 ns at 1M and 4M and (18 − 0.51) / 15,990,000 = 1,093.8 ns at 16M: 1.09×.
        // The tasks' CPU per row, an explanation beside the readings: compiled LR's 1.31× at 16M is outside ±20% and
        // decides nothing.
        Files.writeString(dir.resolve("scaling.json"), "{\"linearTolerance\": 0.2, " + fixedCost(1.01, 0.51) + ", \"sizes\": ["
                + size(1_000_000, 2, 1.5, "\"copy\": 1.0, \"compiled LR\": 1.0", "\"copy\": 1.0, \"compiled LR\": 1.0") + ","
                + size(4_000_000, 5, 4.5, "\"copy\": 0.625, \"compiled LR\": 0.75", "\"copy\": 0.97, \"compiled LR\": 1.04") + ","
                + size(16_000_000, 17, 18, "\"copy\": 0.53125, \"compiled LR\": 0.75", "\"copy\": 0.92, \"compiled LR\": 1.31") + "]}");
        Files.writeString(dir.resolve("memory.json"), """
                {"memoryCheck": {"rows": 36000000, "unsafeRowBytes": 5, "parquetBytes": 4, "maxHeapBytes": 536870912,
                 "inputVsHeap": 10.2, "outOfMemory": false}}
                """);

        List<BenchSummary.Row> rows = BenchSummary.rows(dir);

        assertThat(rows).extracting(BenchSummary.Row::variant, BenchSummary.Row::measured, BenchSummary.Row::met).containsExactly(
                org.assertj.core.groups.Tuple.tuple("compiled LR", "2.50×", false),
                org.assertj.core.groups.Tuple.tuple("compiled LR, no write", "6.00×", true),
                org.assertj.core.groups.Tuple.tuple("compiled LR, id and score, against MLlib LR, id and score", "3.20×", false),
                org.assertj.core.groups.Tuple.tuple("compiled GBT", "3.08×", true),
                org.assertj.core.groups.Tuple.tuple("compiled GBT, no write", "not measured (scoring.json missing or without it)", null),
                org.assertj.core.groups.Tuple.tuple("compiled GBT, id and score, against MLlib GBT, id and score",
                        "not measured (scoring.json missing or without it)", null),
                org.assertj.core.groups.Tuple.tuple("compiled LR, id and score", "0.80×", true),
                org.assertj.core.groups.Tuple.tuple("compiled LR, id and score, against " + ScoringBenchmark.TRIVIAL_OVER_INPUTS, "0.88×", true),
                org.assertj.core.groups.Tuple.tuple("landing (stage + publish): the night visible", "0.82×", true),
                org.assertj.core.groups.Tuple.tuple("for reference: " + LandingBenchmark.NARROW
                        + " (one thread, the three columns landing sends)", "1.43× raw; landing 0.57× of it", null),
                org.assertj.core.groups.Tuple.tuple(ProfilingBenchmark.ONE_PASS, "1.60×", false),
                org.assertj.core.groups.Tuple.tuple(ProfilingBenchmark.NIGHT, "1.40×", true),
                org.assertj.core.groups.Tuple.tuple(ProfilingBenchmark.ONE_PASS + ": the median over 3 runs of one JVM each [1.40×–1.60×]",
                        "1.45×", true),
                org.assertj.core.groups.Tuple.tuple(ProfilingBenchmark.NIGHT + ": the median over 3 runs of one JVM each [1.30×–1.70×]",
                        "1.55×", false),
                org.assertj.core.groups.Tuple.tuple("measured night (1,000,000 rows)", "6.0 s", true),
                org.assertj.core.groups.Tuple.tuple("bootstrap night (1,000,000 rows)", "11.0 s", false),
                org.assertj.core.groups.Tuple.tuple("copy, compiled LR, 1,000,000 to 16,000,000 rows",
                        "farthest 0.53× of the smallest size's (a row cheaper at larger sizes)", false),
                org.assertj.core.groups.Tuple.tuple("copy, compiled LR, 1,000,000 to 16,000,000 rows",
                        "farthest 1.13× of the first step's (compiled LR, 4,000,000 to 16,000,000 rows)", true),
                org.assertj.core.groups.Tuple.tuple("copy, compiled LR, 1,000,000 to 16,000,000 rows, less a round over 10,000 rows",
                        "farthest 1.09× of the smallest size's (compiled LR, 16,000,000 rows)", true),
                org.assertj.core.groups.Tuple.tuple("copy, compiled LR, 1,000,000 to 16,000,000 rows",
                        "farthest 1.31× of the smallest size's (compiled LR, 16,000,000 rows)", false),
                org.assertj.core.groups.Tuple.tuple("36,000,000 rows, heap 512 MB", "input 10.2× the heap, scored", true));
        assertThat(BenchSummary.table(rows)).contains("| compiled LR | 2.50× | **no** |  |", "| — |",
                "| 36,000,000 rows, heap 512 MB | input 10.2× the heap, scored | yes | decides |");
        assertThat(BenchSummary.json(rows)).contains("\"met\" : false", "\"met\" : null", "\"decides\" : true", "\"verdicts\"");

        // Each target read off the rows that decide it (the README's "How the targets are read"): a target with two
        // deciding rows is met only when both are (the pass's median 1.45× met, the night's 1.55× not; the measured night's
        // 6 s met, the bootstrap night's 11 s not), one not measured leaves it not measured, and rows that do not decide
        // are not read (linear cost is met on its net reading although its per-row time, as worded, is outside ±20%).
        assertThat(rows).filteredOn(BenchSummary.Row::decides).extracting(BenchSummary.Row::variant).containsExactly(
                "compiled LR, id and score, against MLlib LR, id and score",
                "compiled GBT, id and score, against MLlib GBT, id and score",
                "compiled LR, id and score, against " + ScoringBenchmark.TRIVIAL_OVER_INPUTS,
                "landing (stage + publish): the night visible",
                ProfilingBenchmark.ONE_PASS + ": the median over 3 runs of one JVM each [1.40×–1.60×]",
                ProfilingBenchmark.NIGHT + ": the median over 3 runs of one JVM each [1.30×–1.70×]",
                "measured night (1,000,000 rows)",
                "bootstrap night (1,000,000 rows)",
                "copy, compiled LR, 1,000,000 to 16,000,000 rows, less a round over 10,000 rows",
                "36,000,000 rows, heap 512 MB");
        List<BenchSummary.Verdict> verdicts = BenchSummary.verdicts(rows);
        assertThat(verdicts).extracting(BenchSummary.Verdict::target).containsExactlyElementsOf(EIGHT_TARGETS);
        assertThat(verdicts).extracting(BenchSummary.Verdict::met).containsExactly(false, null, true, true, false, false, true, true);
        assertThat(BenchSummary.verdictLines(verdicts)).contains("4 of 8 met",
                "NOT MET: compiled LR ≥ 5× MLlib transform (compiled LR, id and score, against MLlib LR, id and score)",
                "not measured: compiled GBT ≥ 3× MLlib transform",
                "NOT MET: orchestration overhead ≤ 10 s a night (measured night (1,000,000 rows); bootstrap night (1,000,000 rows))")
                .doesNotContain("NOT MET: linear models", "NOT MET: an input");
    }

    /** The issue's eight targets, in the order the summary judges them, whatever sections ran. */
    private static final List<String> EIGHT_TARGETS = List.of("compiled LR ≥ 5× MLlib transform", "compiled GBT ≥ 3× MLlib transform",
            "linear models ≥ 0.7× the trivial expression", "landing ≥ 0.8× raw binary COPY", "validation + drift ≤ 1.5× one plain scan",
            "orchestration overhead ≤ 10 s a night", BenchSummary.NET_OF_FIXED_COST,
            "an input 10× the heap scores without running out of memory");

    /** One run of the profiling benchmark as {@code --all} repeats it: the plain scan (1 s), the pass and the night's. */
    private static void profilingRun(Path file, double pass, double night) throws Exception {
        Map<String, List<Double>> seconds = ordered(ProfilingBenchmark.PLAIN_SCAN, List.of(1.0), ProfilingBenchmark.ONE_PASS, List.of(pass),
                ProfilingBenchmark.NIGHT, List.of(night));
        Map<String, Double> vsScan = ordered(ProfilingBenchmark.PLAIN_SCAN, 1.0, ProfilingBenchmark.ONE_PASS, pass, ProfilingBenchmark.NIGHT, night);
        Files.writeString(file, ProfilingBenchmark.json(new ProfilingBenchmark.Result(5_000_000, 1, 1, seconds,
                ordered(ProfilingBenchmark.PLAIN_SCAN, 5e6, ProfilingBenchmark.ONE_PASS, 5e6 / pass, ProfilingBenchmark.NIGHT, 5e6 / night),
                vsScan, seconds, vsScan)));
    }

    @Test
    void aRunWithoutAnySectionHasTheSameEightTargetsNoneMeasured(@TempDir Path dir) throws Exception {
        // The same targets whether a section's file is there or not: without scaling.json linear cost is still
        // decided by its net reading, not measured.
        List<BenchSummary.Verdict> verdicts = BenchSummary.verdicts(BenchSummary.rows(dir));
        assertThat(verdicts).extracting(BenchSummary.Verdict::target).containsExactlyElementsOf(EIGHT_TARGETS);
        assertThat(verdicts).allSatisfy(v -> assertThat(v.met()).isNull());
    }

    @Test
    void missingSectionsAreNotMeasuredNeverMet(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("scaling.json"), """
                {"linearTolerance": 0.2, "sizes": [{"rows": 1000000, "perRowTimeVsSmallest": {"copy": 1.0}},
                  {"rows": 4000000, "perRowTimeVsSmallest": {"copy": 1.25}}]}
                """);

        List<BenchSummary.Row> rows = BenchSummary.rows(dir);

        assertThat(rows).filteredOn(r -> !r.file().equals("scaling.json")).allSatisfy(r -> {
            assertThat(r.met()).isNull();
            assertThat(r.measured()).startsWith("not measured (" + r.file());
        });
        assertThat(rows).filteredOn(r -> r.file().equals("scaling.json")).extracting(BenchSummary.Row::measured, BenchSummary.Row::met)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("farthest 1.25× of the smallest size's", false),
                        org.assertj.core.groups.Tuple.tuple("not measured (needs three sizes, scaling.json has 2)", null),
                        org.assertj.core.groups.Tuple.tuple("not measured (scaling.json has no fixedCost: one size, or written before "
                                + "2026-12-06, evening)", null),
                        org.assertj.core.groups.Tuple.tuple("not measured (scaling.json written before 2026-12-07, morning)", null));
        // No target is met, or failed, on sections that did not run: every one of the eight is not measured.
        assertThat(BenchSummary.verdicts(rows)).hasSize(8).allSatisfy(v -> assertThat(v.met()).isNull());
    }

    @Test
    void aRowCheaperAtLargerSizesIsOutsideTheBoundAndSaysSo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("scaling.json"), """
                {"linearTolerance": 0.2, "sizes": [{"rows": 1000000, "perRowTimeVsSmallest": {"copy": 1.0}},
                  {"rows": 16000000, "perRowTimeVsSmallest": {"copy": 0.62}}]}
                """);

        assertThat(BenchSummary.rows(dir)).filteredOn(r -> r.file().equals("scaling.json")).first()
                .satisfies(r -> assertThat(r.met()).isFalse())
                .satisfies(r -> assertThat(r.measured()).isEqualTo("farthest 0.62× of the smallest size's (a row cheaper at larger sizes)"));
    }

    @Test
    void aCostThatGrowsFasterThanTheRowsIsOutsideTheBoundNetOfTheFixedCost(@TempDir Path dir) throws Exception {
        // The copy as above (1,000 ns a row net of 1 s); LR 1.5, 5.5 and 24 s: net of its 0.51-s round, 1,000 ns at 1M,
        // 4.99 / 3,990,000 = 1,250.6 ns at 4M and 23.49 / 15,990,000 = 1,469.0 ns at 16M, 1.47× of 1M's.
        Files.writeString(dir.resolve("scaling.json"), "{\"linearTolerance\": 0.2, " + fixedCost(1.01, 0.51) + ", \"sizes\": ["
                + size(1_000_000, 2, 1.5, "\"copy\": 1.0, \"compiled LR\": 1.0") + ","
                + size(4_000_000, 5, 5.5, "\"copy\": 0.625, \"compiled LR\": 0.92") + ","
                + size(16_000_000, 17, 24, "\"copy\": 0.53125, \"compiled LR\": 1.0") + "]}");

        assertThat(BenchSummary.rows(dir)).filteredOn(r -> r.target().equals(BenchSummary.NET_OF_FIXED_COST)).singleElement()
                .satisfies(r -> assertThat(r.met()).isFalse())
                .satisfies(r -> assertThat(r.measured()).isEqualTo("farthest 1.47× of the smallest size's (compiled LR, 16,000,000 rows)"));
    }

    @Test
    void theNetPerRowTimeOfACostFixedPlusPerRowIsThePerRowPart() {
        // 0.3 s + 700 ns a row: 0.307 s over 10,000 rows, 1.0 s over 1M, 11.5 s over 16M
        assertThat(Scaling.netNanosPerRow(1_000_000, 1.0, 10_000, 0.307)).isCloseTo(700.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Scaling.netNanosPerRow(16_000_000, 11.5, 10_000, 0.307)).isCloseTo(700.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Scaling.fixedCostRows(List.of(1_000_000L, 4_000_000L))).isEqualTo(10_000);
        assertThat(Scaling.fixedCostRows(List.of(40_000L, 160_000L))).isEqualTo(4_000);
        assertThat(Scaling.fixedCostRows(List.of(36_000_000L))).isZero();

        // the small input's rounds from its places after each size, pooled: every round kept, the median over all of them
        ScoringBenchmark.Result pooled = Scaling.pool(
                Scaling.pool(new ScoringBenchmark.Result("copy", "copy", 10_000, List.of(0.30, 0.90), HEAP),
                        new ScoringBenchmark.Result("copy", "copy", 10_000, List.of(0.20), new HeapWatch.Peak(1L << 31, 1L << 27))),
                new ScoringBenchmark.Result("copy", "copy", 10_000, List.of(0.25, 0.40), HEAP));
        assertThat(pooled.seconds()).containsExactly(0.30, 0.90, 0.20, 0.25, 0.40);
        assertThat(pooled.medianSeconds()).isEqualTo(0.30);
        assertThat(pooled.heap().usedBytes()).isEqualTo(1L << 31);
    }

    @Test
    void theNetReadingIsNotReadableWhenTheSmallInputsSpreadIsMoreThanTheToleranceOfTheSmallestSizesNetTime(@TempDir Path dir)
            throws Exception {
        // 1.0 s at the smallest size against small-input rounds 0.2, 0.3 and 0.4 s: net 0.7 s, moved by ±0.1 s, ±14.3%
        assertThat(Scaling.netSpread(1.0, List.of(0.2, 0.3, 0.4), 0.3)).isCloseTo(0.1 / 0.7, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Scaling.netReadable(Scaling.netSpread(1.0, List.of(0.2, 0.3, 0.4), 0.3))).isTrue();
        // rounds 0.1, 0.3 and 0.5 s: ±0.2 s of 0.7, ±28.6%, more than the ±20% the reading has to tell
        assertThat(Scaling.netReadable(Scaling.netSpread(1.0, List.of(0.1, 0.3, 0.5), 0.3))).isFalse();
        // a smallest size that took less than the small input: no net time at all
        assertThat(Scaling.netSpread(0.25, List.of(0.3, 0.3), 0.3)).isInfinite();

        // sizes of 20,000 and 40,000 rows against a small input of 2,000: the copy's rounds over 20,000 rows (0.25 s)
        // were quicker than the median over 2,000 (0.30 s), as a run at such sizes printed
        assertThat(netReadingAtTinySizes(dir, List.of(0.28, 0.30, 0.35)))
                .satisfies(r -> assertThat(r.met()).isNull())
                .satisfies(r -> assertThat(r.measured()).isEqualTo("not readable at these sizes: copy's net time at 20,000 rows is not positive"));

        // the same sizes with a quicker small input whose rounds spread wider: net 0.15 s at 20,000 rows, moved by ±0.05 s (±33%)
        assertThat(netReadingAtTinySizes(dir, List.of(0.05, 0.10, 0.15)))
                .satisfies(r -> assertThat(r.met()).isNull())
                .satisfies(r -> assertThat(r.measured()).isEqualTo(
                        "not readable at these sizes: the small input's rounds move copy's net time at 20,000 rows by ±33%, more than ±20%"));
    }

    @Test
    void aFileThatIsNotJsonIsNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("landing.json"), "landing 1,000,000 rows");

        assertThatThrownBy(() -> BenchSummary.rows(dir)).hasMessageContaining(dir.resolve("landing.json").toString())
                .hasMessageContaining("is not the JSON a benchmark section writes");
    }

    /** The net reading's row of a scaling.json at 20,000 and 40,000 rows whose 2,000-row input's copy took these rounds. */
    private static BenchSummary.Row netReadingAtTinySizes(Path dir, List<Double> smallInputRounds) throws Exception {
        Files.writeString(dir.resolve("scaling.json"), "{\"linearTolerance\": 0.2, \"fixedCost\": {\"rows\": 2000, \"variants\": "
                + ScoringBenchmark.json(List.of(new ScoringBenchmark.Result("copy", "copy", 2_000, smallInputRounds, HEAP)), "  ")
                + "}, \"sizes\": [" + size(20_000, 0.25, 0.26, "\"copy\": 1.0, \"compiled LR\": 1.0") + ","
                + size(40_000, 0.31, 0.30, "\"copy\": 0.62, \"compiled LR\": 0.58") + "]}");
        List<BenchSummary.Row> rows = BenchSummary.rows(dir).stream().filter(r -> r.target().equals(BenchSummary.NET_OF_FIXED_COST)).toList();
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    /** scaling.json's small input, 10,000 rows, its variants written by the scoring benchmark's own JSON writer. */
    private static String fixedCost(double copySeconds, double lrSeconds) {
        return "\"fixedCost\": {\"rows\": 10000, \"variants\": " + ScoringBenchmark.json(List.of(
                new ScoringBenchmark.Result("copy", "copy", 10_000, List.of(copySeconds), HEAP),
                new ScoringBenchmark.Result("compiled LR", "MLlib LR", 10_000, List.of(lrSeconds), HEAP)), "  ") + "}";
    }

    /** One size of scaling.json, its variants written by the scoring benchmark's own JSON writer. */
    private static String size(long rows, double copySeconds, double lrSeconds, String relative) {
        return size(rows, copySeconds, lrSeconds, relative, null);
    }

    /** One size of scaling.json with its tasks' CPU per row against the smallest size's ({@code cpuRelative}; null: none). */
    private static String size(long rows, double copySeconds, double lrSeconds, String relative, String cpuRelative) {
        return "{\"rows\": " + rows + ", \"perRowTimeVsSmallest\": {" + relative + "}, "
                + (cpuRelative == null ? "" : "\"taskCpuVsSmallest\": {" + cpuRelative + "}, ") + "\"variants\": " + ScoringBenchmark.json(List.of(
                new ScoringBenchmark.Result("copy", "copy", rows, List.of(copySeconds), HEAP),
                new ScoringBenchmark.Result("compiled LR", "MLlib LR", rows, List.of(lrSeconds), HEAP)), "  ") + "}";
    }

    private static ScoringBenchmark.Result result(String name, String baseline, double seconds) {
        return new ScoringBenchmark.Result(name, baseline, 5_000_000, List.of(seconds), HEAP);
    }

    private static NightlyRunBenchmark.Night night(String label, double command, double spark) {
        return new NightlyRunBenchmark.Night(label, LocalDate.of(2026, 11, 12), 2, 1_000_000, command, command - 2,
                List.of(new NightlyRunBenchmark.Part("score", spark)), Map.of("NightJob", spark), "night.log");
    }

    /** A map of name, value, name, value, ... in that order (also for {@link JvmComparisonTest}'s run files). */
    @SuppressWarnings("unchecked")
    static <V> Map<String, V> ordered(Object... pairs) {
        Map<String, V> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (V) pairs[i + 1]);
        }
        return map;
    }
}
