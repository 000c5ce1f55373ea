package dev.nightshift.spark;

import dev.nightshift.contract.JobEnvironment;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * How a job reaches PostgreSQL. Read from the environment only, so credentials never appear in process
 * arguments; serializable because executors open their own connections to COPY predictions.
 */
public record DbConfig(String url, String user, String password) implements Serializable {

    public DbConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("database URL is not set (environment variable " + JobEnvironment.DB_URL + ")");
        }
    }

    public static DbConfig fromEnv() {
        return fromEnv(System.getenv());
    }

    public static DbConfig fromEnv(Map<String, String> env) {
        return new DbConfig(env.get(JobEnvironment.DB_URL), env.get(JobEnvironment.DB_USER), env.get(JobEnvironment.DB_PASSWORD));
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public String toString() {
        return "DbConfig[url=" + url + ", user=" + user + ", password=" + (password == null ? "null" : "****") + "]";
    }
}
