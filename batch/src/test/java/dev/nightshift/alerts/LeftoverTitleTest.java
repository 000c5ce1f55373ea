package dev.nightshift.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.alerts.RunConditions.Leftover;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeftoverTitleTest {
    static final Leftover FREE = new Leftover(7, "FAILED", "nightshift_work.predictions_stage_7", null);
    static final Leftover HELD = new Leftover(9, "FAILED", "nightshift_work.predictions_stage_9", "7286");
    static final Leftover HELD_TWICE = new Leftover(11, "COMPLETED", "nightshift_work.predictions_stage_11", "7290, 7291");

    @Test
    void oneTableUnlockedIsLeftToTheNextNight() {
        assertThat(RunConditions.leftoverTitle(List.of(FREE)))
                .isEqualTo("a staging table of a killed landing remains with a night's rows and their ids (run 7):"
                        + " the next night that lands drops it");
    }

    @Test
    void theLockedOnesAreNamedWithTheirHoldersInTheSingularOrThePlural() {
        assertThat(RunConditions.leftoverTitle(List.of(FREE, HELD)))
                .isEqualTo("2 staging tables of killed landings remain with a night's rows and their ids (runs 7, 9);"
                        + " one is locked by a server process still using it (run 9's by pid 7286): nights leave a locked table,"
                        + " and nightshift forget refuses to run until it is free");
        assertThat(RunConditions.leftoverTitle(List.of(HELD, HELD_TWICE)))
                .startsWith("2 staging tables of killed landings remain with a night's rows and their ids (runs 9, 11);"
                        + " 2 are locked by server processes still using them (run 9's by pid 7286, run 11's by pid 7290, 7291):");
    }
}
