package dev.nightshift.drift;

import dev.nightshift.contract.Tables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Writes {@code nightshift.feature_drift}: one night of one model version replaced in one transaction. */
public final class FeatureDriftTable {

    private FeatureDriftTable() {
    }

    /** Deletes the rows of (pipeline, date, model version) and inserts {@code rows}, atomically; returns the rows inserted. */
    public static int replace(Connection c, String pipeline, LocalDate date, long modelVersionId, long runId,
                              List<DriftResult> rows, Instant computedAt) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Tables.FEATURE_DRIFT
                    + " WHERE pipeline = ? AND business_date = ? AND model_version_id = ?")) {
                ps.setString(1, pipeline);
                ps.setObject(2, date);
                ps.setLong(3, modelVersionId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Tables.FEATURE_DRIFT
                    + " (run_id, pipeline, business_date, model_version_id, feature, feature_type, method, chosen, statistic, p_value,"
                    + " threshold, drifted, n_current, n_reference, null_rate_reference, null_rate_current, unseen_share, computed_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (DriftResult r : rows) {
                    int i = 0;
                    ps.setLong(++i, runId);
                    ps.setString(++i, pipeline);
                    ps.setObject(++i, date);
                    ps.setLong(++i, modelVersionId);
                    ps.setString(++i, r.feature());
                    ps.setString(++i, r.featureType());
                    ps.setString(++i, r.method());
                    ps.setBoolean(++i, r.chosen());
                    setDouble(ps, ++i, r.statistic());
                    setDouble(ps, ++i, r.pValue());
                    ps.setDouble(++i, r.threshold());
                    ps.setBoolean(++i, r.drifted());
                    ps.setLong(++i, r.nCurrent());
                    ps.setLong(++i, r.nReference());
                    setDouble(ps, ++i, r.nullRateReference());
                    setDouble(ps, ++i, r.nullRateCurrent());
                    setDouble(ps, ++i, r.unseenShare());
                    ps.setTimestamp(++i, Timestamp.from(computedAt));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            return rows.size();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    // NaN or infinity (e.g. a statistic of a degenerate distribution) is stored as null rather than as a number nobody can compare.
    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null || !Double.isFinite(v)) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }
}
