package dev.nightshift.spark;

import dev.nightshift.contract.JobEnvironment;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * How a job reaches PostgreSQL. Read from the environment only, so credentials never appear in process
 * arguments; serializable because executors open their own connections to COPY predictions. Every connection carries
 * {@code applicationName} (when set) as PostgreSQL's {@code application_name}, so that {@code pg_stat_activity} names
 * the run and the job behind a server process, e.g. one still holding a killed landing's staging table.
 */
public record DbConfig(String url, String user, String password, String applicationName) implements Serializable {

    public DbConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("database URL is not set (environment variable " + JobEnvironment.DB_URL + ")");
        }
    }

    public DbConfig(String url, String user, String password) {
        this(url, user, password, null);
    }

    public static DbConfig fromEnv() {
        return fromEnv(System.getenv());
    }

    public static DbConfig fromEnv(Map<String, String> env) {
        return new DbConfig(env.get(JobEnvironment.DB_URL), env.get(JobEnvironment.DB_USER), env.get(JobEnvironment.DB_PASSWORD),
                env.get(JobEnvironment.DB_APPLICATION_NAME));
    }

    public Connection connect() throws SQLException {
        java.util.Properties props = new java.util.Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        if (applicationName != null && !applicationName.isBlank()) {
            props.setProperty("ApplicationName", applicationName);
        }
        return DriverManager.getConnection(url, props);
    }

    @Override
    public String toString() {
        return "DbConfig[url=" + url + ", user=" + user + ", password=" + (password == null ? "null" : "****")
                + (applicationName == null ? "" : ", applicationName=" + applicationName) + "]";
    }
}
