package dev.nightshift.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The scoring benchmark's rounds: no round finds (and so pays to delete) the output the round before it wrote. */
class MeasureRoundsTest {

    @Test
    void everyRunStartsWithoutTheOutputOfTheRunBeforeIt(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("output");
        List<String> runs = new ArrayList<>();
        List<ScoringBenchmark.Variant> variants = List.of(writer("a", output, runs), writer("b", output, runs));

        List<ScoringBenchmark.Result> results = ScoringBenchmark.measure(variants, 10, 2, true, output);

        // a warm-up round and two timed ones, each variant writing a file and a folder into the shared output
        assertThat(runs).containsExactly("a: no output", "b: no output", "a: no output", "b: no output", "b: no output",
                "a: no output");
        assertThat(results).extracting(ScoringBenchmark.Result::name).containsExactly("a", "b");
        assertThat(results).allSatisfy(r -> assertThat(r.seconds()).hasSize(2));
        assertThat(output.resolve("part-a")).exists();   // the last run's output is left as it wrote it
    }

    @Test
    void deletingAnOutputThatIsNotThereDoesNothing(@TempDir Path dir) throws Exception {
        assertThat(ScoringBenchmark.deleteTree(dir.resolve("missing"))).isGreaterThanOrEqualTo(0);
        assertThat(ScoringBenchmark.deleteTree(null)).isGreaterThanOrEqualTo(0);
        assertThat(dir).exists();
    }

    /** A variant that records whether the output was there when it started, then writes into it as Spark would. */
    private static ScoringBenchmark.Variant writer(String name, Path output, List<String> runs) {
        return new ScoringBenchmark.Variant(name, "copy", () -> {
            runs.add(name + (Files.exists(output) ? ": found the output before it" : ": no output"));
            try {
                Files.createDirectories(output.resolve("_temporary").resolve("0"));
                Files.writeString(output.resolve("_temporary").resolve("0").resolve("part"), name);
                Files.writeString(output.resolve("part-" + name), name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
