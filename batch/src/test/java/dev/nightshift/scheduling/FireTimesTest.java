package dev.nightshift.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class FireTimesTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private final FireTimes nightly = new FireTimes("0 30 2 * * ?", BERLIN);

    @Test
    void onASpringForwardNightTheMissingTimeFiresOnceShiftedByTheGap() {
        // 2027-03-28: Berlin clocks jump from 02:00 to 03:00, so 02:30 does not exist.
        List<Instant> fires = nightly.between(Instant.parse("2027-03-26T12:00:00Z"), Instant.parse("2027-03-29T12:00:00Z"));

        assertThat(fires).containsExactly(
                Instant.parse("2027-03-27T01:30:00Z"),   // 02:30 CET
                Instant.parse("2027-03-28T01:30:00Z"),   // 03:30 CEST: the missing 02:30, moved by the one-hour gap
                Instant.parse("2027-03-29T00:30:00Z"));  // 02:30 CEST
    }

    @Test
    void onAFallBackNightTheRepeatedTimeFiresOnceAtItsFirstOccurrence() {
        // 2026-10-25: Berlin clocks go back from 03:00 to 02:00, so 02:30 happens twice.
        List<Instant> fires = nightly.between(Instant.parse("2026-10-24T12:00:00Z"), Instant.parse("2026-10-26T12:00:00Z"));

        assertThat(fires).containsExactly(
                Instant.parse("2026-10-25T00:30:00Z"),   // the first 02:30 (CEST); the second one (01:30Z) does not fire
                Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    void firesExactlyOncePerDayAcrossAWholeYearOfTransitions() {
        List<Instant> fires = nightly.between(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));

        assertThat(fires).hasSize(365);
        assertThat(fires.stream().map(f -> f.atZone(BERLIN).toLocalDate()).distinct()).hasSize(365);
    }

    @Test
    void theNextFireIsStrictlyAfterTheGivenInstant() {
        Instant fire = Instant.parse("2026-11-02T01:30:00Z");

        assertThat(nightly.next(fire)).isEqualTo(Instant.parse("2026-11-03T01:30:00Z"));
        assertThat(nightly.next(fire.minusSeconds(1))).isEqualTo(fire);
    }
}
