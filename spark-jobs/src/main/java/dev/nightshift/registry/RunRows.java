package dev.nightshift.registry;

import dev.nightshift.contract.Tables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Checks on the {@code nightshift.runs} row a job works for; the orchestrator creates it before submitting. */
public final class RunRows {

    private RunRows() {
    }

    /** Fails unless run {@code runId} exists and belongs to {@code pipeline}, before the job writes anything. */
    public static void require(Connection connection, long runId, String pipeline) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pipeline FROM " + Tables.RUNS + " WHERE id = ?")) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("run " + runId + " does not exist in " + Tables.RUNS);
                }
                if (!pipeline.equals(rs.getString(1))) {
                    throw new IllegalArgumentException("run " + runId + " belongs to pipeline '" + rs.getString(1)
                            + "', not '" + pipeline + "'");
                }
            }
        }
    }
}
