package dev.nightshift.spark;

import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a failed Spark application when the failure looks transient (the JVM was killed or timed out, a database
 * or file system call failed) and never when it is deterministic (bad input, bad spec, a tampered model: the job says
 * so with one of {@link #DETERMINISTIC}). Waits {@code backoff}, doubling, between attempts.
 */
public final class RetryingSparkSubmitter implements SparkSubmitter {
    private static final Logger log = LoggerFactory.getLogger(RetryingSparkSubmitter.class);

    /** Exception classes a job reports for failures that the same input would reproduce. */
    static final Set<String> DETERMINISTIC = Set.of(
            "java.lang.IllegalArgumentException",
            "dev.nightshift.input.InputValidationException",
            "dev.nightshift.registry.ArtifactIntegrityException",
            "org.apache.spark.sql.AnalysisException",
            "org.apache.spark.sql.catalyst.ExtendedAnalysisException",
            "java.lang.NumberFormatException",
            "java.time.format.DateTimeParseException",
            ManagedSparkSubmitter.SHUTDOWN);

    private final SparkSubmitter delegate;
    private final int retries;
    private final Duration backoff;
    private final java.util.function.Consumer<Duration> sleeper;

    public RetryingSparkSubmitter(SparkSubmitter delegate, int retries, Duration backoff) {
        this(delegate, retries, backoff, RetryingSparkSubmitter::sleep);
    }

    /** {@code sleeper}: how a wait between attempts is spent (tests record the waits instead of sleeping). */
    RetryingSparkSubmitter(SparkSubmitter delegate, int retries, Duration backoff, java.util.function.Consumer<Duration> sleeper) {
        this.delegate = delegate;
        this.retries = retries;
        this.backoff = backoff;
        this.sleeper = sleeper;
    }

    @Override
    public SparkResult submit(SparkApplication application) {
        Duration wait = backoff;
        for (int attempt = 0; ; attempt++) {
            try {
                return delegate.submit(application);
            } catch (SparkJobFailedException e) {
                if (attempt >= retries || !transient_(e)) {
                    throw e;
                }
                log.warn("{} failed transiently ({}); retry {} of {} in {} s", application.name(), e.getMessage(), attempt + 1, retries,
                        wait.toSeconds());
                sleeper.accept(wait);
                wait = wait.multipliedBy(2);
            }
        }
    }

    /** Deterministic when the job named a deterministic cause anywhere in its chain; otherwise worth another try. */
    static boolean transient_(SparkJobFailedException e) {
        return e.errorClasses().stream().noneMatch(DETERMINISTIC::contains);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new SparkJobFailedException("retry", null, false, "interrupted while waiting to retry");
        }
    }
}
