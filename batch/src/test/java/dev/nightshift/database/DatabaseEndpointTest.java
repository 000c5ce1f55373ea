package dev.nightshift.database;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseEndpointTest {

    @Test
    void passwordsNeverReachPrintedForms() {
        DatabaseEndpoint e = new DatabaseEndpoint("jdbc:postgresql://db:5432/ns?sslmode=require&password=s3cr3t&user=app",
                "app", "an0ther", false);

        assertThat(e.maskedUrl()).isEqualTo("jdbc:postgresql://db:5432/ns?sslmode=require&password=****&user=app");
        assertThat(e.toString()).doesNotContain("s3cr3t").doesNotContain("an0ther");
        assertThat(new DatabaseConfiguration.OwnerEndpoint(e).toString()).doesNotContain("s3cr3t").doesNotContain("an0ther");
    }
}
