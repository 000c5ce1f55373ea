package dev.nightshift.contract;

/**
 * Environment variables through which the orchestrator hands secrets and side channels to a Spark job.
 * Credentials travel only this way so that they never appear in process arguments.
 */
public final class JobEnvironment {
    public static final String DB_URL = "NIGHTSHIFT_DB_URL";
    public static final String DB_USER = "NIGHTSHIFT_DB_USER";
    public static final String DB_PASSWORD = "NIGHTSHIFT_DB_PASSWORD";
    /** File the job writes its failure (exception chain, one line each) to before exiting non-zero. */
    public static final String ERROR_FILE = "NIGHTSHIFT_ERROR_FILE";
    public static final String VERSION = "NIGHTSHIFT_VERSION";
    /**
     * Pid of the orchestrator that launched a local job. The job exits when that process is gone, so a crashed
     * orchestrator leaves no orphan still writing while its run is restarted elsewhere.
     */
    public static final String PARENT_PID = "NIGHTSHIFT_PARENT_PID";

    private JobEnvironment() {
    }
}
