package dev.nightshift.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchmarkArgsTest {

    @Test
    void scoringDefaultsToAllModelsAtFiveMillionRows() {
        ScoringBenchmark.Args args = ScoringBenchmark.Args.parse(new String[0]);

        assertThat(args.rows()).isEqualTo(5_000_000L);
        assertThat(args.rounds()).isEqualTo(3);
        assertThat(args.models()).containsExactly(ScoringBenchmark.ModelCase.values());
        assertThat(args.scaling()).isEmpty();
        assertThat(args.json()).isEqualTo(Path.of("spark-jobs/target/bench/bench.json"));
    }

    @Test
    void optionsMixWithPositionalArguments() {
        ScoringBenchmark.Args args = ScoringBenchmark.Args.parse(new String[] {"1000000", "--models", "lr,tree", "out.json", "5"});

        assertThat(args.rows()).isEqualTo(1_000_000L);
        assertThat(args.json()).isEqualTo(Path.of("out.json"));
        assertThat(args.rounds()).isEqualTo(5);
        assertThat(args.models()).containsExactly(ScoringBenchmark.ModelCase.LR, ScoringBenchmark.ModelCase.TREE);
    }

    @Test
    void scalingSizesAreSortedAndWriteTheirOwnFile() {
        ScoringBenchmark.Args args = ScoringBenchmark.Args.parse(new String[] {"--scaling", "16000000,1_000_000,4000000"});

        assertThat(args.scaling()).containsExactly(1_000_000L, 4_000_000L, 16_000_000L);
        assertThat(args.json()).isEqualTo(Path.of("spark-jobs/target/bench/scaling.json"));

        ScoringBenchmark.Args positional = ScoringBenchmark.Args.parse(new String[] {"--scaling", "1000000,4000000", "s.json", "2", "w"});
        assertThat(positional.json()).isEqualTo(Path.of("s.json"));
        assertThat(positional.rounds()).isEqualTo(2);
        assertThat(positional.work()).isEqualTo(Path.of("w"));
        assertThatThrownBy(() -> ScoringBenchmark.Args.parse(new String[] {"--scaling", "1000000", "5000000", "s.json", "2", "w"}))
                .hasMessageContaining("with --scaling expected at most 3 arguments");
    }

    @Test
    void badArgumentsNameWhatWasExpected() {
        assertThatThrownBy(() -> ScoringBenchmark.Args.parse(new String[] {"--models", "lr,svm"}))
                .hasMessageContaining("unknown model 'svm'").hasMessageContaining("lr,gbt,rf,tree,linreg");
        assertThatThrownBy(() -> ScoringBenchmark.Args.parse(new String[] {"--scaling", "1M"}))
                .hasMessageContaining("--scaling must be a whole number of rows, got '1M'");
        assertThatThrownBy(() -> ScoringBenchmark.Args.parse(new String[] {"--scaling"})).hasMessageContaining("--scaling needs");
        assertThatThrownBy(() -> ScoringBenchmark.Args.parse(new String[] {"--rows", "5"})).hasMessageContaining("unknown option --rows");
        assertThatThrownBy(() -> ScoringBenchmark.Args.parse(new String[] {"1000"})).hasMessageContaining("rows >= 20000");
        assertThatThrownBy(() -> NightlyRunBenchmark.Args.parse(new String[0])).hasMessageContaining("scripts/bench --night ROWS");
        assertThatThrownBy(() -> NightlyRunBenchmark.Args.parse(new String[] {"lots"})).hasMessageContaining("got 'lots'");
    }

    @Test
    void resultsReportTheMedianRoundAndRatios() {
        HeapWatch.Peak heap = new HeapWatch.Peak(100, -1);
        ScoringBenchmark.Result copy = new ScoringBenchmark.Result("copy", "copy", 1_000_000, List.of(2.0, 4.0, 1.0), heap);
        ScoringBenchmark.Result lr = new ScoringBenchmark.Result("compiled LR", "MLlib LR", 1_000_000, List.of(4.0, 5.0, 3.0, 6.0), heap);

        assertThat(copy.rowsPerSecond()).isEqualTo(500_000.0);
        assertThat(lr.nanosPerRow()).isEqualTo(4500.0);
        assertThat(ScoringBenchmark.ratio(List.of(copy, lr), lr, "copy")).isCloseTo(2.0 / 4.5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ScoringBenchmark.ratio(List.of(copy, lr), lr, "MLlib LR")).isNaN();
        assertThat(ScoringBenchmark.json(List.of(copy, lr), "  ")).contains("\"vsBaseline\": null").contains("\"maxHeapAfterGcBytes\": null");
        assertThat(HeapWatch.Peak.max(heap, new HeapWatch.Peak(50, 70))).isEqualTo(new HeapWatch.Peak(100, 70));
    }
}
