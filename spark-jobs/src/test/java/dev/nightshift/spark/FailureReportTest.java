package dev.nightshift.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FailureReportTest {

    @Test
    void writesTheCauseChainOneLineEachOutermostFirst(@TempDir Path dir) throws Exception {
        // given
        Exception root = new IllegalStateException("model v3 artifact file a: missing\n  refusing to load");
        Exception failure = new RuntimeException("Job aborted", new IllegalArgumentException(null, root));

        // when
        Path file = dir.resolve("error.txt");
        FailureReport.write(file, failure);

        // then
        assertThat(Files.readAllLines(file)).containsExactly(
                "java.lang.RuntimeException: Job aborted",
                "java.lang.IllegalArgumentException",
                "java.lang.IllegalStateException: model v3 artifact file a: missing refusing to load");
    }

    @Test
    void dropsTheStackFramesSparkEmbedsInTaskFailures() {
        Exception failure = new RuntimeException("Job aborted due to stage failure: Task 0 failed 1 times: java.lang.IllegalStateException: boom\n"
                + "\tat dev.nightshift.X.call(X.java:1)\n\tat org.apache.spark.Y.run(Y.scala:2)\n\nDriver stacktrace:\n\tat z");

        assertThat(FailureReport.lines(failure)).containsExactly(
                "java.lang.RuntimeException: Job aborted due to stage failure: Task 0 failed 1 times: java.lang.IllegalStateException: boom");
        assertThat(FailureReport.lines(new RuntimeException("x".repeat(5000))).get(0)).hasSize(FailureReport.MAX_LINE);
    }

    @Test
    void stopsAtACausalCycle() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        assertThat(FailureReport.lines(a)).isEqualTo(List.of("java.lang.Exception: a", "java.lang.Exception: b"));
    }

    @Test
    void dbConfigComesFromTheEnvironmentAndHidesThePassword() {
        DbConfig db = DbConfig.fromEnv(Map.of("NIGHTSHIFT_DB_URL", "jdbc:postgresql://h/db", "NIGHTSHIFT_DB_USER", "u",
                "NIGHTSHIFT_DB_PASSWORD", "secret"));
        assertThat(db.password()).isEqualTo("secret");
        assertThat(db.toString()).doesNotContain("secret");
    }
}
