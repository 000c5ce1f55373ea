package dev.nightshift.testing;

import dev.nightshift.spark.DbConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;

/** One embedded PostgreSQL for the whole test run, migrated by the superuser with the db module's migrations; tests connect as nightshift_app. */
public final class PostgresTestSupport implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final DbConfig db;

    private PostgresTestSupport() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
        Flyway.configure()
                .dataSource(url, "postgres", "postgres")
                .schemas("nightshift")
                .defaultSchema("nightshift")
                .locations("classpath:db/migration")
                .load()
                .migrate();
        // The jobs connect as the application role, as in production: only the rights V14 grants it (the local
        // server trusts it without a password).
        db = new DbConfig(url, "nightshift_app", "");
    }

    /** The shared database, started on first use and stopped when the test run ends. */
    public static DbConfig database(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(PostgresTestSupport.class, k -> {
                    try {
                        return new PostgresTestSupport();
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot start embedded PostgreSQL", e);
                    }
                }, PostgresTestSupport.class).db;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
