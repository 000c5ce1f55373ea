package dev.nightshift.validation;

import dev.nightshift.contract.Tables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads {@code nightshift.data_quality}. A night's rows are replaced whole, together with the run's
 * {@code rows_quarantined}, in one transaction, so a rerun never duplicates and readers see one validation or the other.
 */
public final class DataQualityTable {

    private DataQualityTable() {
    }

    /** Deletes the rows of (pipeline, date), inserts {@code rows} and sets the run's rows_quarantined (may be null), atomically. */
    public static void replace(Connection c, String pipeline, LocalDate date, long runId, long modelVersionId,
                               List<CheckResult> rows, Long quarantined, Instant checkedAt) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Tables.DATA_QUALITY
                    + " WHERE pipeline = ? AND business_date = ?")) {
                ps.setString(1, pipeline);
                ps.setObject(2, date);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Tables.DATA_QUALITY
                    + " (pipeline, business_date, run_id, model_version_id, check_name, column_name, value, threshold, passed,"
                    + " failing_rows, detail, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (CheckResult r : rows) {
                    int i = 0;
                    ps.setString(++i, pipeline);
                    ps.setObject(++i, date);
                    ps.setLong(++i, runId);
                    ps.setLong(++i, modelVersionId);
                    ps.setString(++i, r.check());
                    ps.setString(++i, r.column());
                    setDouble(ps, ++i, r.value());
                    setDouble(ps, ++i, r.threshold());
                    ps.setBoolean(++i, r.passed());
                    if (r.failingRows() == null) {
                        ps.setNull(++i, Types.BIGINT);
                    } else {
                        ps.setLong(++i, r.failingRows());
                    }
                    ps.setString(++i, r.detail());
                    ps.setTimestamp(++i, Timestamp.from(checkedAt));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + Tables.RUNS + " SET rows_quarantined = ? WHERE id = ?")) {
                if (quarantined == null) {
                    ps.setNull(1, Types.BIGINT);
                } else {
                    ps.setLong(1, quarantined);
                }
                ps.setLong(2, runId);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** Input rows of the last {@code nights} validated nights before {@code date}, newest first. */
    public static List<Long> rowCountHistory(Connection c, String pipeline, LocalDate date, int nights) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM " + Tables.DATA_QUALITY
                + " WHERE pipeline = ? AND check_name = ? AND business_date < ? AND value IS NOT NULL"
                + " ORDER BY business_date DESC LIMIT ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, CheckResult.ROW_COUNT_MIN);
            ps.setObject(3, date);
            ps.setInt(4, nights);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Math.round(rs.getDouble(1)));
                }
            }
        }
        return out;
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null || !Double.isFinite(v)) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }
}
