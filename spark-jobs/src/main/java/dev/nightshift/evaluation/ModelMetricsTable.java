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
 * Writes {@code nightshift.model_metrics} and, for segmented rows, {@code nightshift.model_segment_metrics}. Every
 * business date of {@code rows} is replaced whole in both (its rows for the pipeline deleted, the new ones inserted)
 * and all of them in one transaction, so readers see the previous
 * evaluation or the new one and a rerun never duplicates.
 */
public final class ModelMetricsTable {

    private static final String COLUMNS = String.join(", ", Columns.METRIC, Columns.VALUE, Columns.CI_LOW, Columns.CI_HIGH,
            Columns.N, Columns.METHOD, Columns.RUN_ID, Columns.EVALUATED_AT, Columns.PIPELINE, Columns.BUSINESS_DATE,
            Columns.MODEL_VERSION_ID);
    private static final String INSERT = "INSERT INTO " + Tables.MODEL_METRICS + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_SEGMENT = "INSERT INTO " + Tables.MODEL_SEGMENT_METRICS + " (" + COLUMNS + ", "
            + Segments.SEGMENT + ", " + Segments.SEGMENT_VALUE + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

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
                for (String table : new String[] {Tables.MODEL_METRICS, Tables.MODEL_SEGMENT_METRICS}) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
                            + " WHERE " + Columns.PIPELINE + " = ? AND " + Columns.BUSINESS_DATE + " = ?")) {
                        for (LocalDate d : dates) {
                            ps.setString(1, pipeline);
                            ps.setObject(2, d);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                }
                Timestamp at = Timestamp.from(evaluatedAt);
                try (PreparedStatement overall = c.prepareStatement(INSERT);
                     PreparedStatement segmented = c.prepareStatement(INSERT_SEGMENT)) {
                    for (MetricRow r : rows) {
                        PreparedStatement ps = r.segmented() ? segmented : overall;
                        ps.setString(1, r.metric());
                        ps.setDouble(2, r.value());
                        setNullable(ps, 3, r.ciLow());
                        setNullable(ps, 4, r.ciHigh());
                        ps.setLong(5, r.n());
                        ps.setString(6, r.method());
                        ps.setLong(7, runId);
                        ps.setTimestamp(8, at);
                        ps.setString(9, r.pipeline());
                        ps.setObject(10, r.businessDate());
                        ps.setLong(11, r.modelVersionId());
                        if (r.segmented()) {
                            ps.setString(12, r.segment());
                            ps.setString(13, r.segmentValue());
                        }
                        ps.addBatch();
                    }
                    overall.executeBatch();
                    segmented.executeBatch();
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
