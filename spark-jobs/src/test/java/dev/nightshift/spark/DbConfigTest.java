package dev.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.contract.JobEnvironment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DbConfigTest {
    @Test
    void theEnvironmentGivesTheEndpointAndTheNameOfItsConnectionsAndToStringHidesThePassword() {
        DbConfig db = DbConfig.fromEnv(Map.of(JobEnvironment.DB_URL, "jdbc:postgresql://127.0.0.1:5432/n", JobEnvironment.DB_USER, "app",
                JobEnvironment.DB_PASSWORD, "secret", JobEnvironment.DB_APPLICATION_NAME, "nightshift run 12 night-churn-2026-11-02"));
        assertThat(db).isEqualTo(new DbConfig("jdbc:postgresql://127.0.0.1:5432/n", "app", "secret", "nightshift run 12 night-churn-2026-11-02"));
        assertThat(db.toString()).doesNotContain("secret").contains("applicationName=nightshift run 12");
        // without a name (an older orchestrator, or a test): connections keep the driver's default
        assertThat(DbConfig.fromEnv(Map.of(JobEnvironment.DB_URL, "jdbc:postgresql://127.0.0.1:5432/n")).applicationName()).isNull();
    }
}
