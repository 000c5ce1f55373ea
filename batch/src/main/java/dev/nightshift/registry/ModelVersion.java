package dev.nightshift.registry;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

/** A registered model version as the orchestrator shows it. */
public record ModelVersion(long id, String pipeline, int version, String algorithm, String artifactUri, String artifactSha256,
                           LocalDate trainingFrom, LocalDate trainingTo, long trainingRows, String holdoutMetrics,
                           Long createdByRun, OffsetDateTime createdAt, List<String> aliases) {
}
