package dev.nightshift.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class MisfirePlanTest {
    private final FireTimes daily = new FireTimes("0 0 2 * * ?", ZoneId.of("UTC"));
    private final Duration tolerance = Duration.ofMinutes(10);
    private final Instant monday = Instant.parse("2026-11-02T02:00:00Z");

    @Test
    void aFireWithinTheToleranceIsOnTimeWhateverThePolicy() {
        MisfirePlan plan = MisfirePlan.of(monday, monday.plusSeconds(300), daily, "skip", 7, tolerance);

        assertThat(plan.run()).containsExactly(monday);
        assertThat(plan.skipped()).isEmpty();
    }

    @Test
    void skipDropsEveryMissedNight() {
        // down from Monday 02:00 until Thursday 01:00: Monday, Tuesday and Wednesday were missed
        Instant now = Instant.parse("2026-11-05T01:00:00Z");

        MisfirePlan plan = MisfirePlan.of(monday, now, daily, "skip", 7, tolerance);

        assertThat(plan.run()).isEmpty();
        assertThat(plan.skipped()).hasSize(3);
    }

    @Test
    void latestRunsOnlyTheMostRecentMissedNight() {
        Instant now = Instant.parse("2026-11-05T01:00:00Z");

        MisfirePlan plan = MisfirePlan.of(monday, now, daily, "latest", 7, tolerance);

        assertThat(plan.run()).containsExactly(Instant.parse("2026-11-04T02:00:00Z"));
        assertThat(plan.skipped()).containsExactly(monday, Instant.parse("2026-11-03T02:00:00Z"));
    }

    @Test
    void catchUpRunsMissedNightsOldestFirstBoundedToTheMostRecent() {
        Instant now = Instant.parse("2026-11-12T01:00:00Z"); // ten nights missed

        MisfirePlan plan = MisfirePlan.of(monday, now, daily, "catch-up", 3, tolerance);

        assertThat(plan.run()).containsExactly(Instant.parse("2026-11-09T02:00:00Z"), Instant.parse("2026-11-10T02:00:00Z"),
                Instant.parse("2026-11-11T02:00:00Z"));
        assertThat(plan.skipped()).hasSize(7).startsWith(monday);
    }

    @Test
    void aNightThatIsStillOnTimeRunsEvenUnderSkip() {
        // back up at 02:05 on Wednesday: Monday and Tuesday were missed, Wednesday's fire is only 5 minutes late
        Instant now = Instant.parse("2026-11-04T02:05:00Z");

        MisfirePlan plan = MisfirePlan.of(monday, now, daily, "skip", 7, tolerance);

        assertThat(plan.run()).containsExactly(Instant.parse("2026-11-04T02:00:00Z"));
        assertThat(plan.skipped()).containsExactly(monday, Instant.parse("2026-11-03T02:00:00Z"));
    }
}
