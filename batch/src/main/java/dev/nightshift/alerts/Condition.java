package dev.nightshift.alerts;

import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;

/**
 * A condition observed for one pipeline and business date. {@code groupKey} names its subject within the kind (the
 * drifted features, the failing step or check): the same pipeline, kind and group key on consecutive nights is one
 * alert.
 */
public record Condition(String pipeline, LocalDate businessDate, Long runId, AlertKind kind, Severity severity,
                        String groupKey, String title, Map<String, Object> detail) {
    public Condition {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(businessDate, "businessDate");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(groupKey, "groupKey");
        Objects.requireNonNull(title, "title");
        detail = detail == null ? Map.of() : detail;
    }
}
