package dev.nightshift.spark;

import java.time.Duration;

/**
 * The submitter the orchestrator owns: besides submitting, it knows the jobs' classpath and master (for health), and
 * can stop every application it started (graceful shutdown) and accept submissions again afterwards.
 */
public interface ManagedSparkSubmitter extends SparkSubmitter {

    /** Error class of a submission refused or stopped because the orchestrator shuts down. */
    String SHUTDOWN = "nightshift.shutdown";

    SparkClasspath classpath();

    String master();

    /** Stops every application still running (their steps fail), giving them {@code grace} to end; returns how many. */
    int stopAll(Duration grace);

    /** Accepts submissions again after {@link #stopAll}. */
    void reopen();
}
