package dev.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SparkStageProgressTest {

    @Test
    void readsTheFirstStageOfSparksConsoleProgressBar() {
        assertThat(SparkStageProgress.parse("night", "[Stage 7:=========>                  (3 + 2) / 8]"))
                .contains(new SparkStageProgress.Update("night", 7, 3, 2, 8));
        assertThat(SparkStageProgress.parse("night", "[Stage 3:>   (0 + 1) / 2][Stage 4:>   (1 + 1) / 4]"))
                .contains(new SparkStageProgress.Update("night", 3, 0, 1, 2));
        // the form the jobs' own listener prints (spark-jobs StageProgressLines)
        assertThat(SparkStageProgress.parse("night", "[Stage 12:(40 + 2) / 200]"))
                .contains(new SparkStageProgress.Update("night", 12, 40, 2, 200));
        assertThat(SparkStageProgress.isProgressLine("[Stage 12:(40 + 2) / 200]")).isTrue();
    }

    @Test
    void otherLinesAreNotProgressButBlankOnesAreTheBarBeingErased() {
        assertThat(SparkStageProgress.parse("night", "12:00:01.000 INFO  ScoreJob: [Stage 3] is not a bar")).isEmpty();
        assertThat(SparkStageProgress.isProgressLine("12:00:01.000 INFO  ScoreJob: 300 rows scored")).isFalse();
        assertThat(SparkStageProgress.isProgressLine("[Stage 1:>      (0 + 2) / 2]")).isTrue();
        assertThat(SparkStageProgress.isProgressLine("                                 ")).isTrue();
    }
}
