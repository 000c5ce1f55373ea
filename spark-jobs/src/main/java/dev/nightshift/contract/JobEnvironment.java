package dev.nightshift.contract;

/**
 * Environment variables through which the orchestrator hands secrets and side channels to a Spark job.
 * Credentials travel only this way so that they never appear in process arguments.
 */
public final class JobEnvironment {
    public static final String DB_URL = "NIGHTSHIFT_DB_URL";
    public static final String DB_USER = "NIGHTSHIFT_DB_USER";
    public static final String DB_PASSWORD = "NIGHTSHIFT_DB_PASSWORD";
    /**
     * PostgreSQL {@code application_name} of the job's connections, driver's and executors' (e.g.
     * {@code nightshift run 12 night-churn-2026-11-02}), so that {@code pg_stat_activity} says whose a server process is.
     */
    public static final String DB_APPLICATION_NAME = "NIGHTSHIFT_DB_APPLICATION_NAME";
    /** File the job writes its failure (exception chain, one line each) to before exiting non-zero. */
    public static final String ERROR_FILE = "NIGHTSHIFT_ERROR_FILE";
    public static final String VERSION = "NIGHTSHIFT_VERSION";
    /**
     * Pid of the orchestrator that launched a local job. The job exits when that process is gone, so a crashed
     * orchestrator leaves no orphan still writing while its run is restarted elsewhere.
     */
    public static final String PARENT_PID = "NIGHTSHIFT_PARENT_PID";
    /**
     * {@code stderr}: the job prints the progress of every stage to stderr ({@code StageProgressLines}), which a local
     * orchestrator reads from the child's output for its progress display.
     */
    public static final String STAGE_PROGRESS = "NIGHTSHIFT_STAGE_PROGRESS";
    /**
     * The secret key of entity-id pseudonymization ({@code privacy.pseudonymizeIds}), given as is, or the file holding
     * it. Read by the jobs and by {@code nightshift forget}; the children inherit it from the orchestrator's environment.
     */
    public static final String PSEUDONYM_KEY = "NIGHTSHIFT_PSEUDONYM_KEY";
    public static final String PSEUDONYM_KEY_FILE = "NIGHTSHIFT_PSEUDONYM_KEY_FILE";
    /**
     * The entity keys {@code ForgetJob} erases, one per line (the raw ids and, for a pseudonymizing pipeline, their
     * pseudonyms): personal data, so never a process argument, which every user of the host can read.
     */
    public static final String FORGET_KEYS = "NIGHTSHIFT_FORGET_KEYS";

    private JobEnvironment() {
    }
}
