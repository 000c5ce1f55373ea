package dev.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.contract.JobEnvironment;
import dev.nightshift.database.ApplicationNames;
import dev.nightshift.database.DatabaseEndpoint;
import dev.nightshift.runs.RunLogContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class JobErrorsTest {
    static final SparkApplication NIGHT = new SparkApplication("night-churn-2026-11-02", "dev.nightshift.scoring.NightJob", List.of(),
            Duration.ofMinutes(1));
    static final DatabaseEndpoint DB = new DatabaseEndpoint("jdbc:postgresql://127.0.0.1:5432/nightshift", "nightshift_app", "secret", false);

    @Test
    void aJobsConnectionsAreNamedAfterTheRunThatSubmitsItAndTheApplication() {
        MDC.put(RunLogContext.RUN_ID, "12");
        try {
            Map<String, String> env = JobErrors.environment(DB, "1.0", Path.of("/tmp/x.error"), NIGHT);
            assertThat(env).containsEntry(JobEnvironment.DB_APPLICATION_NAME, "nightshift run 12 night-churn-2026-11-02")
                    .containsEntry(JobEnvironment.DB_URL, DB.url()).containsEntry(JobEnvironment.DB_USER, "nightshift_app");
        } finally {
            MDC.remove(RunLogContext.RUN_ID);
        }
        // outside a run (a command such as forget or import): the application alone
        assertThat(JobErrors.environment(DB, "1.0", null, NIGHT)).containsEntry(JobEnvironment.DB_APPLICATION_NAME,
                "nightshift night-churn-2026-11-02");
    }

    @Test
    void theNameKeepsTheRunWhenItIsCutToPostgresLimitAndIsAscii() {
        SparkApplication longName = new SparkApplication("night-" + "a-very-long-pipeline-name-".repeat(4) + "2026-11-02", "X", List.of(),
                Duration.ofMinutes(1));
        String name = ApplicationNames.job(longName.name(), "123456");
        assertThat(name).hasSize(ApplicationNames.MAX_LENGTH).startsWith("nightshift run 123456 night-a-very-long-pipeline-name-");
        assertThat(ApplicationNames.job("night-café-2026-11-02", null))
                .isEqualTo("nightshift night-caf?-2026-11-02");
    }
}
