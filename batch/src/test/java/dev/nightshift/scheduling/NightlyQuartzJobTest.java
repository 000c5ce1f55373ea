package dev.nightshift.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class NightlyQuartzJobTest {

    @Test
    void theBusinessDateIsTheFireDateInThePipelinesZonePlusTheOffset() {
        // 2026-11-02 01:30 UTC is 02:30 in Berlin on the 2nd, but still the 1st in New York.
        Instant fire = Instant.parse("2026-11-02T01:30:00Z");

        assertThat(NightlyQuartzJob.businessDate(fire, ZoneId.of("Europe/Berlin"), -1)).isEqualTo(LocalDate.of(2026, 11, 1));
        assertThat(NightlyQuartzJob.businessDate(fire, ZoneId.of("America/New_York"), -1)).isEqualTo(LocalDate.of(2026, 10, 31));
        assertThat(NightlyQuartzJob.businessDate(fire, ZoneId.of("UTC"), 0)).isEqualTo(LocalDate.of(2026, 11, 2));
    }
}
