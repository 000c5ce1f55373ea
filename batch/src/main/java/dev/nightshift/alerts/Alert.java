package dev.nightshift.alerts;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Map;

/** A row of the alerts table: one episode of a condition, from {@code firstSeen} to {@code lastSeen}. */
public record Alert(long id, String pipeline, LocalDate businessDate, Long runId, String kind, String severity, String groupKey,
                    String title, Map<String, Object> detail, LocalDate firstSeen, LocalDate lastSeen, int occurrences,
                    String deliveryStatus, int attempts, String lastError, OffsetDateTime createdAt, OffsetDateTime sentAt) {
}
