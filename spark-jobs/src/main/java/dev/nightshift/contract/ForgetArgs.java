package dev.nightshift.contract;

import java.util.List;

/**
 * Arguments of {@code ForgetJob}: erase the entities of erasure {@code erasureId} (their keys come through
 * {@link JobEnvironment#FORGET_KEYS}, never the command line) from the pipeline's warehouse Delta tables, the
 * quarantine table's id column being {@code idColumn}, then vacuum them keeping {@code retentionHours} of history.
 */
public record ForgetArgs(String pipeline, String warehouse, long erasureId, String idColumn, int retentionHours) {
    public static final String JOB_CLASS = "dev.nightshift.privacy.ForgetJob";

    public ForgetArgs {
        if (retentionHours < 0) {
            throw new IllegalArgumentException("ForgetJob: --retention-hours must be 0 or more, got " + retentionHours);
        }
    }

    public static ForgetArgs parse(String[] args) {
        JobArgs a = JobArgs.parse("ForgetJob", args);
        return new ForgetArgs(a.string("pipeline"), a.string("warehouse"), a.longValue("erasure-id"), a.string("id-column"),
                (int) a.longValue("retention-hours"));
    }

    public List<String> toArgs() {
        return JobArgs.render("pipeline", pipeline, "warehouse", warehouse, "erasure-id", erasureId, "id-column", idColumn,
                "retention-hours", retentionHours);
    }

    /** The keys of {@link JobEnvironment#FORGET_KEYS}: non-blank lines. */
    public static List<String> keys(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("ForgetJob: the environment variable " + JobEnvironment.FORGET_KEYS
                    + " is empty; expected the entity keys to erase, one per line");
        }
        return value.lines().map(String::strip).filter(l -> !l.isEmpty()).distinct().toList();
    }

    /** The value of {@link JobEnvironment#FORGET_KEYS} for {@code keys}; a key must be one non-blank line. */
    public static String render(List<String> keys) {
        for (String k : keys) {
            if (k == null || k.isBlank() || k.contains("\n") || k.contains("\r") || !k.equals(k.strip())) {
                throw new IllegalArgumentException("entity id must be one line without surrounding whitespace, got '" + k + "'");
            }
        }
        return String.join("\n", keys);
    }
}
