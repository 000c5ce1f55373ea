package dev.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryingSparkSubmitterTest {
    private final SparkApplication app = new SparkApplication("score", "X", List.of(), Duration.ofMinutes(1));

    /** A submitter that plays back a script of outcomes. */
    private static final class Scripted implements SparkSubmitter {
        final Deque<SparkJobFailedException> failures = new ArrayDeque<>();
        int calls;

        @Override
        public SparkResult submit(SparkApplication application) {
            calls++;
            if (!failures.isEmpty()) {
                throw failures.pop();
            }
            return new SparkResult(application.name(), 0, Duration.ZERO);
        }
    }

    @Test
    void aKilledOrTimedOutJobIsRetriedUntilItSucceeds() {
        Scripted script = new Scripted();
        script.failures.add(new SparkJobFailedException("score", 137, false, "killed"));
        script.failures.add(new SparkJobFailedException("score", null, true, "timed out"));

        SparkResult result = new RetryingSparkSubmitter(script, 2, Duration.ofMillis(1)).submit(app);

        assertThat(result.exitCode()).isZero();
        assertThat(script.calls).isEqualTo(3);
    }

    @Test
    void aDeterministicFailureIsNotRetried() {
        Scripted script = new Scripted();
        script.failures.add(new SparkJobFailedException("score", 1, false, "bad input",
                List.of("java.lang.IllegalStateException", "dev.nightshift.input.InputValidationException")));

        assertThatThrownBy(() -> new RetryingSparkSubmitter(script, 3, Duration.ofMillis(1)).submit(app)).hasMessage("bad input");
        assertThat(script.calls).isEqualTo(1);
    }

    /** What the jobs report for bad input, a bad spec or argument, a tampered model, a bad query, and a shutdown. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dev.nightshift.input.InputValidationException",
            "java.lang.IllegalArgumentException", "dev.nightshift.registry.ArtifactIntegrityException",
            "org.apache.spark.sql.AnalysisException", "org.apache.spark.sql.catalyst.ExtendedAnalysisException",
            "java.lang.NumberFormatException", "java.time.format.DateTimeParseException", ManagedSparkSubmitter.SHUTDOWN})
    void eachDeterministicCauseAnywhereInTheChainFailsAtOnce(String cause) {
        Scripted script = new Scripted();
        script.failures.add(new SparkJobFailedException("score", 1, false, "failed", List.of("org.apache.spark.SparkException", cause)));

        assertThatThrownBy(() -> new RetryingSparkSubmitter(script, 3, Duration.ofMillis(1)).submit(app)).hasMessage("failed");
        assertThat(script.calls).isEqualTo(1);
    }

    @Test
    void theWaitBetweenAttemptsDoubles() {
        Scripted script = new Scripted();
        for (int i = 0; i < 3; i++) {
            script.failures.add(new SparkJobFailedException("score", 137, false, "killed"));
        }
        List<Duration> waits = new java.util.ArrayList<>();

        new RetryingSparkSubmitter(script, 3, Duration.ofSeconds(15), waits::add).submit(app);

        assertThat(waits).containsExactly(Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(60));
        assertThat(script.calls).isEqualTo(4);
    }

    @Test
    void retriesAreBoundedAndTheLastFailureIsReported() {
        Scripted script = new Scripted();
        for (int i = 0; i < 5; i++) {
            script.failures.add(new SparkJobFailedException("score", 1, false, "connection refused " + i, List.of("org.postgresql.util.PSQLException")));
        }

        assertThatThrownBy(() -> new RetryingSparkSubmitter(script, 2, Duration.ofMillis(1)).submit(app)).hasMessage("connection refused 2");
        assertThat(script.calls).isEqualTo(3);
    }
}
