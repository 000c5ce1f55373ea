package dev.nightshift.alerts;

import java.util.Arrays;

/** What an alert is about; the database value is the lower-case name. */
public enum AlertKind {
    RUN_FAILED,
    DATA_QUALITY_FAILED,
    DRIFT,
    METRIC_BREACH,
    RETRAIN_DECISION,
    PROMOTION,
    RUN_LATE,
    /** A model artifact did not match its registered manifest and was refused (V15). */
    ARTIFACT_TAMPERED;

    public String dbValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static AlertKind of(String dbValue) {
        return Arrays.stream(values()).filter(k -> k.dbValue().equals(dbValue)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown alert kind '" + dbValue + "'"));
    }
}
