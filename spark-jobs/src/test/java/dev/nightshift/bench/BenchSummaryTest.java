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
        // an added row costs at most 1.125× of the first step's.
        Files.writeString(dir.resolve("scaling.json"), "{\"linearTolerance\": 0.2, \"sizes\": ["
                + size(1_000_000, 2, 1.5, "\"copy\": 1.0, \"compiled LR\": 1.0") + ","
                + size(4_000_000, 5, 4.5, "\"copy\": 0.625, \"compiled LR\": 0.75") + ","
                + size(16_000_000, 17, 18, "\"copy\": 0.53125, \"compiled LR\": 0.75") + "]}");
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
                org.assertj.core.groups.Tuple.tuple("36,000,000 rows, heap 512 MB", "input 10.2× the heap, scored", true));
        assertThat(BenchSummary.table(rows)).contains("| compiled LR | 2.50× | **no** |", "| — |");
        assertThat(BenchSummary.json(rows)).contains("\"met\" : false", "\"met\" : null");
    }

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
                        org.assertj.core.groups.Tuple.tuple("not measured (needs three sizes, scaling.json has 2)", null));
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
    void aFileThatIsNotJsonIsNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("landing.json"), "landing 1,000,000 rows");

        assertThatThrownBy(() -> BenchSummary.rows(dir)).hasMessageContaining(dir.resolve("landing.json").toString())
                .hasMessageContaining("is not the JSON a benchmark section writes");
    }

    /** One size of scaling.json, its variants written by the scoring benchmark's own JSON writer. */
    private static String size(long rows, double copySeconds, double lrSeconds, String relative) {
        return "{\"rows\": " + rows + ", \"perRowTimeVsSmallest\": {" + relative + "}, \"variants\": " + ScoringBenchmark.json(List.of(
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
