package dev.nightshift.pipelines;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/** One line of {@code pipelines list}: the pipeline, its current spec and how its last run went. */
public record PipelineSummary(String name, int specVersion, String task, String algorithm, String cron, String timezone,
                              boolean paused, Integer championVersion, LocalDate lastRunDate, String lastRunStatus,
                              OffsetDateTime updatedAt) {
}
