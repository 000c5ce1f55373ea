package dev.nightshift.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.nightshift.bench.BenchSummaryTest.ordered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code scripts/bench --compare-jvm}'s comparison, over run files written by the profiling benchmark's own JSON writer. */
class JvmComparisonTest {

    @Test
    void comparesEachVariantOverThePairsOfRuns(@TempDir Path dir) throws Exception {
        // pass seconds per round, A: medians 1.6, 1.5, 1.9; B: 1.3, 1.7, 1.2; scans 1.0 every round but B's second run (1.1)
        run(dir, "a-1", List.of(1.0, 1.0, 1.0), List.of(1.6, 1.7, 1.5));
        run(dir, "b-1", List.of(1.0, 1.0, 1.0), List.of(1.3, 1.2, 1.4));
        run(dir, "a-2", List.of(1.0, 1.0, 1.0), List.of(1.5, 1.5, 1.4));
        run(dir, "b-2", List.of(1.1, 1.1, 1.1), List.of(1.7, 1.8, 1.6));
        run(dir, "a-3", List.of(1.0, 1.0, 1.0), List.of(1.9, 2.0, 1.8));
        run(dir, "b-3", List.of(1.0, 1.0, 1.0), List.of(1.2, 1.2, 1.2));
        run(dir, "a-4", List.of(1.0, 1.0, 1.0), List.of(1.0, 1.0, 1.0)); // a pair without its b: not counted

        List<JvmComparison.Line> lines = JvmComparison.compare(dir);

        assertThat(lines).extracting(JvmComparison.Line::variant).containsExactly(ProfilingBenchmark.PLAIN_SCAN, ProfilingBenchmark.ONE_PASS);
        JvmComparison.Line pass = lines.get(1);
        assertThat(pass.pairs()).isEqualTo(3);
        assertThat(pass.a().seconds()).containsExactly(1.6, 1.5, 1.9);
        assertThat(pass.b().seconds()).containsExactly(1.3, 1.7, 1.2);
        assertThat(pass.bFasterSeconds()).isEqualTo(2);
        // ratios: A 1.6, 1.5, 1.9; B 1.3, 1.7 / 1.1 = 1.545, 1.2: lower in pairs 1 and 3
        assertThat(pass.bLowerRatio()).isEqualTo(2);
        assertThat(pass.bSlowerSeconds()).isEqualTo(1);
        assertThat(pass.bHigherRatio()).isEqualTo(1);
        // the scan: B slower in its second run only, and every ratio 1.0 (ties)
        assertThat(lines.get(0).bFasterSeconds()).isZero();
        assertThat(lines.get(0).bSlowerSeconds()).isEqualTo(1);
        assertThat(lines.get(0).bLowerRatio() + lines.get(0).bHigherRatio()).isZero();

        String table = JvmComparison.table(lines, "", "-XX:G1HeapRegionSize=32m");
        assertThat(table).contains("A: (the defaults)").contains("B: -XX:G1HeapRegionSize=32m").contains("3 pairs of runs")
                .contains("| " + ProfilingBenchmark.ONE_PASS + " | 1.60 [1.50–1.90] | 1.30 [1.20–1.70] | 2 of 3, p 1.0 | 1.60× [1.50×–1.90×] | 1.30× [1.20×–1.55×] | 2 of 3, p 1.0 |")
                .contains("| " + ProfilingBenchmark.PLAIN_SCAN + " | 1.00 [1.00–1.00] | 1.00 [1.00–1.10] | 0 of 3, p 1.0 | 1.00× [1.00×–1.00×] | 1.00× [1.00×–1.00×] | 0 of 3 |");
        assertThat(JvmComparison.json(lines, "", "x")).contains("\"pairsWithBLessTime\" : 2").contains("\"pairs\" : 3")
                .contains("\"pairsWithBMoreTime\" : 1").contains("\"signTestPRatio\" : null");
    }

    @Test
    void theSignTestGivesScipysBinomialTestPValues() {
        // scipy.stats.binomtest(k, n).pvalue (p = 0.5, two-sided), Debian's python3-scipy, 2026-12-05
        assertThat(JvmComparison.signTest(13, 3)).isEqualTo(0.021270751953125);
        assertThat(JvmComparison.signTest(16, 8)).isCloseTo(0.15158963203430176, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(JvmComparison.signTest(5, 3)).isEqualTo(0.7265625);
        assertThat(JvmComparison.signTest(3, 5)).isEqualTo(0.7265625);
        assertThat(JvmComparison.signTest(8, 0)).isEqualTo(0.0078125);
        assertThat(JvmComparison.signTest(0, 3)).isEqualTo(0.25);
        assertThat(JvmComparison.signTest(4, 4)).isEqualTo(1.0);
        assertThat(JvmComparison.signTest(2, 1)).isEqualTo(1.0);
        assertThat(JvmComparison.signTest(0, 1)).isEqualTo(1.0);
        // by hand: 13 of 16 is 2 × (C(16,0) + C(16,1) + C(16,2) + C(16,3)) / 2^16 = 2 × 697 / 65536
        assertThat(JvmComparison.signTest(3, 13)).isEqualTo(2 * 697 / 65536.0);
        // 1,000 pairs split 600 to 400: binomials of about 10^290, summed exactly
        assertThat(JvmComparison.signTest(600, 400)).isCloseTo(2.728464156065947e-10, org.assertj.core.data.Offset.offset(1e-22));
        assertThatThrownBy(() -> JvmComparison.signTest(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void saysWhatIsMissing(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> JvmComparison.compare(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no complete pair of runs (expected a-1.json and b-1.json)");
        run(dir, "a-1", List.of(1.0), List.of(1.5));
        Files.writeString(dir.resolve("b-1.json"), ProfilingBenchmark.json(new ProfilingBenchmark.Result(1, 1, 1,
                ordered(ProfilingBenchmark.PLAIN_SCAN, List.of(1.0)), ordered(ProfilingBenchmark.PLAIN_SCAN, 1.0), ordered(ProfilingBenchmark.PLAIN_SCAN, 1.0),
                ordered(ProfilingBenchmark.PLAIN_SCAN, List.of(1.0)), ordered(ProfilingBenchmark.PLAIN_SCAN, 1.0))));
        assertThatThrownBy(() -> JvmComparison.compare(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("b-1.json: no variant '" + ProfilingBenchmark.ONE_PASS + "' (every run must time the same variants)");
    }

    /** A run file as the profiling benchmark writes it: the plain scan and the pass, their seconds per round. */
    private static void run(Path dir, String name, List<Double> scan, List<Double> pass) throws Exception {
        Map<String, List<Double>> seconds = ordered(ProfilingBenchmark.PLAIN_SCAN, scan, ProfilingBenchmark.ONE_PASS, pass);
        double s = ScoringBenchmark.median(scan);
        double p = ScoringBenchmark.median(pass);
        Files.writeString(dir.resolve(name + ".json"), ProfilingBenchmark.json(new ProfilingBenchmark.Result(5_000_000, scan.size(), 1, seconds,
                ordered(ProfilingBenchmark.PLAIN_SCAN, 5e6 / s, ProfilingBenchmark.ONE_PASS, 5e6 / p),
                ordered(ProfilingBenchmark.PLAIN_SCAN, 1.0, ProfilingBenchmark.ONE_PASS, p / s), seconds,
                ordered(ProfilingBenchmark.PLAIN_SCAN, 1.0, ProfilingBenchmark.ONE_PASS, p / s))));
    }
}
