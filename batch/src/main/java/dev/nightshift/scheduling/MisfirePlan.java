package dev.nightshift.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which planned fires to run when a trigger fires, possibly late. A fire up to {@code tolerance} late is on time and
 * always runs. Fires missed by more than that (no orchestrator was up) follow the pipeline's misfire policy:
 * {@code skip} runs none of them, {@code latest} runs only the most recent, {@code catch-up} runs them oldest first,
 * at most {@code maxCatchUp} (the most recent ones).
 */
public record MisfirePlan(List<Instant> run, List<Instant> skipped) {

    public static MisfirePlan of(Instant planned, Instant now, FireTimes fireTimes, String policy, int maxCatchUp, Duration tolerance) {
        List<Instant> due = new ArrayList<>();
        due.add(planned);
        due.addAll(fireTimes.between(planned, now));
        List<Instant> late = new ArrayList<>();
        List<Instant> onTime = new ArrayList<>();
        for (Instant fire : due) {
            (Duration.between(fire, now).compareTo(tolerance) > 0 ? late : onTime).add(fire);
        }
        if (late.isEmpty()) {
            return new MisfirePlan(onTime, List.of());
        }
        List<Instant> run = new ArrayList<>();
        List<Instant> skipped = new ArrayList<>();
        switch (policy) {
            case "skip" -> {
                skipped.addAll(late);
                run.addAll(onTime);
            }
            case "latest" -> {
                List<Instant> all = new ArrayList<>(late);
                all.addAll(onTime);
                run.add(all.get(all.size() - 1));
                skipped.addAll(all.subList(0, all.size() - 1));
            }
            case "catch-up" -> {
                List<Instant> all = new ArrayList<>(late);
                all.addAll(onTime);
                int from = Math.max(0, all.size() - maxCatchUp);
                skipped.addAll(all.subList(0, from));
                run.addAll(all.subList(from, all.size()));
            }
            default -> throw new IllegalArgumentException("unknown misfire policy '" + policy + "'");
        }
        return new MisfirePlan(List.copyOf(run), List.copyOf(skipped));
    }
}
