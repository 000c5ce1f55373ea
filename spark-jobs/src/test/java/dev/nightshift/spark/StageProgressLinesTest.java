package dev.nightshift.spark;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StageProgressLinesTest {
    private static final long MS = 1_000_000L;

    @Test
    void everyStageIsReportedWhenSubmittedAndCompletedAndItsTasksAtMostOncePerInterval() {
        StageProgressLines lines = new StageProgressLines(200 * MS);

        assertThat(lines.submitted(3, 4, 0)).isEqualTo("[Stage 3:(0 + 0) / 4]");
        assertThat(lines.taskStarted(3, 10 * MS)).isEmpty();                   // within 200 ms of the last line
        assertThat(lines.taskStarted(3, 20 * MS)).isEmpty();
        assertThat(lines.taskEnded(3, true, 250 * MS)).contains("[Stage 3:(1 + 1) / 4]");
        assertThat(lines.taskStarted(3, 260 * MS)).isEmpty();
        assertThat(lines.taskEnded(3, false, 500 * MS)).contains("[Stage 3:(1 + 1) / 4]");   // a failed attempt is not done
        assertThat(lines.taskEnded(3, true, 510 * MS)).isEmpty();
        assertThat(lines.completed(3)).contains("[Stage 3:(2 + 0) / 4]");
        // after completion, late task events of the stage print nothing; nor does an unknown stage
        assertThat(lines.taskEnded(3, true, 900 * MS)).isEmpty();
        assertThat(lines.completed(3)).isEmpty();
        assertThat(lines.taskStarted(9, 900 * MS)).isEmpty();
    }

    @Test
    void stagesAreCountedApartAndANewAttemptStartsOver() {
        StageProgressLines lines = new StageProgressLines(0);
        lines.submitted(1, 2, 0);
        lines.submitted(2, 8, 0);
        assertThat(lines.taskStarted(1, 1)).contains("[Stage 1:(0 + 1) / 2]");
        assertThat(lines.taskStarted(2, 2)).contains("[Stage 2:(0 + 1) / 8]");
        assertThat(lines.taskEnded(1, true, 3)).contains("[Stage 1:(1 + 0) / 2]");

        assertThat(lines.submitted(1, 1, 4)).isEqualTo("[Stage 1:(0 + 0) / 1]");
        assertThat(lines.taskEnded(1, true, 5)).contains("[Stage 1:(1 + 0) / 1]");
        assertThat(lines.taskEnded(1, true, 6)).as("never more done than tasks").contains("[Stage 1:(1 + 0) / 1]");
        assertThat(lines.completed(2)).contains("[Stage 2:(0 + 0) / 8]");
    }
}
