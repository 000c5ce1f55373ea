package dev.nightshift.registry;

import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.SpecCodec;
import dev.nightshift.contract.Tables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads applied pipeline spec versions from {@code nightshift.pipeline_specs}. */
public final class SpecStore {

    private SpecStore() {
    }

    public static PipelineSpec load(Connection connection, String pipeline, int version) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT spec::text FROM " + Tables.PIPELINE_SPECS + " WHERE pipeline = ? AND version = ?")) {
            ps.setString(1, pipeline);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("pipeline '" + pipeline + "' has no spec version " + version);
                }
                PipelineSpec spec = SpecCodec.fromJson(rs.getString(1));
                if (!pipeline.equals(spec.name())) {
                    throw new IllegalStateException("spec version " + version + " of pipeline '" + pipeline
                            + "' is named '" + spec.name() + "'");
                }
                return spec;
            }
        }
    }
}
