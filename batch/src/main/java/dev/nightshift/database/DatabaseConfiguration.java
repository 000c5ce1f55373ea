package dev.nightshift.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.contract.Tables;
import javax.sql.DataSource;
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

    @Bean
    DatabaseEndpoint databaseEndpoint(NightshiftProperties props, EmbeddedDatabaseHolder embedded) {
        if (props.db().external()) {
            return new DatabaseEndpoint(props.db().url(), props.db().user(),
                    props.db().password() == null ? "" : props.db().password(), false);
        }
        return embedded.database().endpoint();
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(DatabaseEndpoint endpoint) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(endpoint.url());
        config.setUsername(endpoint.user());
        config.setPassword(endpoint.password());
        config.setSchema(Tables.SCHEMA);
        config.setMaximumPoolSize(10);
        config.setPoolName("nightshift");
        return new HikariDataSource(config);
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
