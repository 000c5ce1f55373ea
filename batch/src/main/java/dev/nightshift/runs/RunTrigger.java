package dev.nightshift.runs;

/** What started a run. */
public enum RunTrigger {
    CLI, SCHEDULE, API, DEMO, BACKFILL;

    public String dbValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
