package dev.nightshift.spark;

/** A Spark application that failed; the message carries the job's own error when it reported one. */
public class SparkJobFailedException extends RuntimeException {
    private final String application;
    private final Integer exitCode;
    private final boolean timedOut;

    public SparkJobFailedException(String application, Integer exitCode, boolean timedOut, String message) {
        super(message);
        this.application = application;
        this.exitCode = exitCode;
        this.timedOut = timedOut;
    }

    public String application() {
        return application;
    }

    /** The process exit code, or null when it was killed on timeout. */
    public Integer exitCode() {
        return exitCode;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
