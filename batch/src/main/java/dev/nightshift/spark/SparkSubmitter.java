package dev.nightshift.spark;

/** Submits a Spark application and waits for it; returns normally only when it succeeded. */
public interface SparkSubmitter {

    /**
     * Runs the application to completion.
     *
     * @throws SparkJobFailedException when it exits non-zero, is killed, or outlives its timeout
     */
    SparkResult submit(SparkApplication application);
}
