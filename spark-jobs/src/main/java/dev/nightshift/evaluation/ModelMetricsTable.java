package dev.nightshift.evaluation;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Tables;
import dev.nightshift.spark.DbConfig;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes {@code nightshift.model_metrics}. Every business date of {@code rows} is replaced whole (its rows for the
 * pipeline deleted, the new ones inserted) and all of them in one transaction, so readers see the previous
 * evaluation or the new one and a rerun never duplicates.
 */
public final class ModelMetricsTable {

    private static final String INSERT = "INSERT INTO " + Tables.MODEL_METRICS + " (" + String.join(", ", Columns.PIPELINE,
            Columns.BUSINESS_DATE, Columns.MODEL_VERSION_ID, Columns.METRIC, Columns.VALUE, Columns.CI_LOW, Columns.CI_HIGH,
            Columns.N, Columns.METHOD, Columns.RUN_ID, Columns.EVALUATED_AT) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private ModelMetricsTable() {
    }

    /** Returns the number of rows inserted. All rows must belong to {@code pipeline}. */
    public static int replaceDates(DbConfig db, String pipeline, List<MetricRow> rows, long runId, Instant evaluatedAt)
            throws SQLException {
        Set<LocalDate> dates = new TreeSet<>();
        for (MetricRow r : rows) {
            if (!r.pipeline().equals(pipeline)) {
                throw new IllegalArgumentException("metric row of pipeline '" + r.pipeline() + "' given for '" + pipeline + "'");
            }
            dates.add(r.businessDate());
        }
        if (dates.isEmpty()) {
            return 0;
        }
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                // Two evaluations of the same pipeline (a restarted run and a late one) take turns instead of interleaving.
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                    ps.setString(1, "model_metrics:" + pipeline);
                    ps.executeQuery().close();
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Tables.MODEL_METRICS
                        + " WHERE " + Columns.PIPELINE + " = ? AND " + Columns.BUSINESS_DATE + " = ?")) {
                    for (LocalDate d : dates) {
                        ps.setString(1, pipeline);
                        ps.setObject(2, d);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                Timestamp at = Timestamp.from(evaluatedAt);
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    for (MetricRow r : rows) {
                        ps.setString(1, r.pipeline());
                        ps.setObject(2, r.businessDate());
                        ps.setLong(3, r.modelVersionId());
                        ps.setString(4, r.metric());
                        ps.setDouble(5, r.value());
                        setNullable(ps, 6, r.ciLow());
                        setNullable(ps, 7, r.ciHigh());
                        ps.setLong(8, r.n());
                        ps.setString(9, r.method());
                        ps.setLong(10, runId);
                        ps.setTimestamp(11, at);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
                return rows.size();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static void setNullable(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }
}
