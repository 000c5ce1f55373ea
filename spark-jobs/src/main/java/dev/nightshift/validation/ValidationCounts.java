package dev.nightshift.validation;

import java.util.Map;

/**
 * A night's input rows, how many were quarantined (failed at least one check), and per row-level check how many
 * rows failed it; a row failing two checks counts once in {@code quarantined} and once under each check.
 * Always {@code quarantined + valid() == rows}.
 */
public record ValidationCounts(long rows, long quarantined, Map<RowCheck, Long> failing) {

    public ValidationCounts {
        failing = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failing));
    }

    public long valid() {
        return rows - quarantined;
    }

    public double badRowShare() {
        return rows == 0 ? 0.0 : (double) quarantined / rows;
    }
}
