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
    ARTIFACT_TAMPERED,
    /**
     * Staging tables of the pipeline's killed landings were still there when a run ended (V22, V23): a process still
     * holds them, so nights leave them and {@code nightshift forget} refuses to run.
     */
    LEFTOVER_STAGING;

    public String dbValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static AlertKind of(String dbValue) {
        return Arrays.stream(values()).filter(k -> k.dbValue().equals(dbValue)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown alert kind '" + dbValue + "'"));
    }
}
