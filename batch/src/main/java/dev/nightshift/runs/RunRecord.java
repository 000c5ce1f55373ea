package dev.nightshift.runs;

import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/** A row of the runs table. */
public record RunRecord(long id, String pipeline, LocalDate businessDate, int specVersion, int attempt, Long jobExecutionId,
                        String trigger, String status, Long modelVersionId, Integer modelVersion, Long rowsScored,
                        OffsetDateTime startedAt, OffsetDateTime finishedAt, String error) {

    public Duration duration() {
        return finishedAt == null ? null : Duration.between(startedAt, finishedAt);
    }

    public boolean completed() {
        return "COMPLETED".equals(status);
    }
}
