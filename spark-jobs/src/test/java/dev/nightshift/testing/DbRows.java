package dev.nightshift.testing;

import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.SpecCodec;
import dev.nightshift.spark.DbConfig;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/** The rows the orchestrator would have written before submitting a job, and a one-row query helper. */
public final class DbRows {

    private DbRows() {
    }

    /** Inserts the pipeline and its spec as version 1. */
    public static void applySpec(DbConfig db, PipelineSpec spec) throws SQLException {
        try (Connection c = db.connect()) {
            update(c, "INSERT INTO nightshift.pipelines (name, current_spec_version) VALUES (?, 1)", spec.name());
            update(c, "INSERT INTO nightshift.pipeline_specs (pipeline, version, spec, source_yaml, sha256, applied_by)"
                    + " VALUES (?, 1, ?::jsonb, 'n/a', 'n/a', 'test')", spec.name(), SpecCodec.toJson(spec));
        }
    }

    public static long insertRun(DbConfig db, String pipeline, LocalDate date) throws SQLException {
        return (Long) row(db, "INSERT INTO nightshift.runs (pipeline, business_date, spec_version, trigger, status)"
                + " VALUES (?, ?, 1, 'cli', 'COMPLETED') RETURNING id", pipeline, date).get("id");
    }

    /** A placeholder model version (no artifact), for tests of what happens after a model was chosen. */
    public static long insertModelVersion(DbConfig db, String pipeline) throws SQLException {
        return (Long) row(db, "INSERT INTO nightshift.model_versions (pipeline, version, spec_version, task, algorithm, artifact_uri,"
                + " artifact_sha256, params, seed, features, training_from, training_to, training_rows, holdout_from, holdout_to,"
                + " holdout_rows, holdout_metrics, spark_version, java_version, nightshift_version)"
                + " SELECT ?, coalesce(max(version), 0) + 1, 1, 'regression', 'linear-regression', 'file:///nowhere', repeat('0', 64),"
                + " '{}', 1, '[]', DATE '2026-01-01', DATE '2026-01-02', 1, DATE '2026-01-03', DATE '2026-01-03', 1, '{}',"
                + " 'n/a', 'n/a', 'test' FROM nightshift.model_versions WHERE pipeline = ? RETURNING id", pipeline, pipeline).get("id");
    }

    /** The single row of a query, column label to value. */
    public static Map<String, Object> row(DbConfig db, String sql, Object... params) throws SQLException {
        try (Connection c = db.connect()) {
            return row(c, sql, params);
        }
    }

    /** Every row of a query, column label to value, in the query's order. */
    public static java.util.List<Map<String, Object>> rows(DbConfig db, String sql, Object... params) throws SQLException {
        try (Connection c = db.connect()) {
            return query(c, sql, params);
        }
    }

    /**
     * The single row of a query run as the read-only analyst role (analytics views only; the jobs' own role cannot read
     * them): the test database's superuser connects and {@code SET ROLE nightshift_analyst}.
     */
    public static Map<String, Object> rowAsAnalyst(DbConfig db, String sql, Object... params) throws SQLException {
        try (Connection c = new DbConfig(db.url(), "postgres", "postgres").connect()) {
            try (var st = c.createStatement()) {
                st.execute("SET ROLE nightshift_analyst");
            }
            return row(c, sql, params);
        }
    }

    private static Map<String, Object> row(Connection c, String sql, Object... params) throws SQLException {
        java.util.List<Map<String, Object>> rows = query(c, sql, params);
        if (rows.isEmpty()) {
            throw new AssertionError("no row from: " + sql);
        }
        return rows.get(0);
    }

    private static java.util.List<Map<String, Object>> query(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            java.util.List<Map<String, Object>> out = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
