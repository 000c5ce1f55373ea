package dev.nightshift.spark;

/** A Spark application that failed; the message carries the job's own error when it reported one. */
public class SparkJobFailedException extends RuntimeException {
    private final String application;
    private final Integer exitCode;
    private final boolean timedOut;
    private final java.util.List<String> errorClasses;

    public SparkJobFailedException(String application, Integer exitCode, boolean timedOut, String message) {
        this(application, exitCode, timedOut, message, java.util.List.of());
    }

    /** {@code errorClasses}: the exception classes the job reported, outermost first (empty when it reported none). */
    public SparkJobFailedException(String application, Integer exitCode, boolean timedOut, String message,
                                   java.util.List<String> errorClasses) {
        super(message);
        this.application = application;
        this.exitCode = exitCode;
        this.timedOut = timedOut;
        this.errorClasses = java.util.List.copyOf(errorClasses);
    }

    public java.util.List<String> errorClasses() {
        return errorClasses;
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
