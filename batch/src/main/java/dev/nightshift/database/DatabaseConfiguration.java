package dev.nightshift.database;

import com.zaxxer.hikari.HikariDataSource;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.contract.Tables;
import javax.sql.DataSource;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one DataSource: the configured PostgreSQL, or an embedded one when none is configured. */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedDatabaseHolder embeddedDatabase(NightshiftProperties props) {
        return props.db().external() ? new EmbeddedDatabaseHolder(null)
                : new EmbeddedDatabaseHolder(EmbeddedDatabase.start(props.home(), props.embedded().port()));
    }

    /** The application's login: what the pool and the Spark jobs connect as. */
    @Bean
    DatabaseEndpoint databaseEndpoint(NightshiftProperties props, EmbeddedDatabaseHolder embedded) {
        if (props.db().external()) {
            return new DatabaseEndpoint(props.db().url(), props.db().user(),
                    props.db().password() == null ? "" : props.db().password(), false);
        }
        return embedded.database().endpoint();
    }

    /** The login that runs the migrations: the owner's. */
    @Bean
    OwnerEndpoint ownerEndpoint(NightshiftProperties props, EmbeddedDatabaseHolder embedded, DatabaseEndpoint application) {
        if (!props.db().external()) {
            return new OwnerEndpoint(embedded.database().ownerEndpoint());
        }
        if (props.db().ownerUser() == null || props.db().ownerUser().isBlank()) {
            return new OwnerEndpoint(application);
        }
        return new OwnerEndpoint(new DatabaseEndpoint(props.db().url(), props.db().ownerUser(),
                props.db().ownerPassword() == null ? "" : props.db().ownerPassword(), false));
    }

    /** Flyway migrates as the owner; the application's pool never holds DDL rights on the schema. */
    @Bean
    FlywayConfigurationCustomizer migrateAsOwner(OwnerEndpoint owner) {
        return configuration -> configuration.dataSource(owner.endpoint().url(), owner.endpoint().user(), owner.endpoint().password());
    }

    /** Where and as whom migrations run (the embedded superuser, or {@code nightshift.db.owner-user}). */
    public record OwnerEndpoint(DatabaseEndpoint endpoint) {
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(DatabaseEndpoint endpoint) {
        // Started on first use, not here: on a new database the application's role exists only once Flyway (as the
        // owner) has run V14.
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(endpoint.url());
        pool.setUsername(endpoint.user());
        pool.setPassword(endpoint.password());
        pool.setSchema(Tables.SCHEMA);
        pool.setMaximumPoolSize(10);
        pool.setPoolName("nightshift");
        // Named in pg_stat_activity after this process, as instances records it (the Spark jobs' connections carry their run)
        pool.addDataSourceProperty("ApplicationName", ApplicationNames.orchestrator());
        return pool;
    }

    /** Keeps the embedded server's lifetime tied to the context's, closing it after the pool. */
    record EmbeddedDatabaseHolder(EmbeddedDatabase database) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (database != null) {
                database.close();
            }
        }
    }
}
