package dev.nightshift.alerts;

/** How urgently a person should look: {@code critical} needs action now, {@code info} is for the record. */
public enum Severity {
    INFO,
    WARNING,
    CRITICAL;

    public String dbValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
