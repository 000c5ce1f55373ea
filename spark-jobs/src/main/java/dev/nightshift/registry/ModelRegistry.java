package dev.nightshift.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Task;
import dev.nightshift.contract.Tables;
import dev.nightshift.contract.Warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Registers trained models in {@code nightshift.model_versions} and reads them back for scoring. */
public final class ModelRegistry {

    /** Saves a model version's artifact into a directory, overwriting it. */
    @FunctionalInterface
    public interface ArtifactWriter {
        /** Writes the artifact and its manifest into {@code dir} and returns the SHA-256 of the manifest. */
        String write(String dir) throws Exception;
    }

    /** The row just inserted. */
    public record Registered(long id, int version, String artifactUri, String artifactSha256) {
    }

    private ModelRegistry() {
    }

    /**
     * In one transaction: locks the pipeline row (so concurrent registrations of one pipeline serialize),
     * takes the next version number, writes the artifact under the warehouse and inserts the row. If anything
     * fails the transaction rolls back; a half-written artifact directory is overwritten by the next attempt.
     */
    public static Registered register(Connection connection, String warehouse, NewModelVersion m, ArtifactWriter artifact)
            throws Exception {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT name FROM " + Tables.PIPELINES + " WHERE name = ? FOR UPDATE")) {
                ps.setString(1, m.pipeline());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("pipeline '" + m.pipeline() + "' is not registered in " + Tables.PIPELINES);
                    }
                }
            }
            int version;
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT coalesce(max(version), 0) + 1 FROM " + Tables.MODEL_VERSIONS + " WHERE pipeline = ?")) {
                ps.setString(1, m.pipeline());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    version = rs.getInt(1);
                }
            }
            String uri = Warehouse.modelDir(warehouse, m.pipeline(), version);
            String sha = artifact.write(uri);
            long id;
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + Tables.MODEL_VERSIONS
                    + " (pipeline, version, spec_version, task, algorithm, artifact_uri, artifact_sha256, params, seed,"
                    + " features, training_from, training_to, training_rows, holdout_from, holdout_to, holdout_rows,"
                    + " holdout_metrics, spark_version, java_version, nightshift_version, created_by_run, parent_version_id,"
                    + " baseline_metrics, training_fingerprint, tuning, source, source_uri, holdout_segments, baseline_segments)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?,"
                    + " ?::jsonb, ?::jsonb)"
                    + " RETURNING id")) {
                int i = 0;
                ps.setString(++i, m.pipeline());
                ps.setInt(++i, version);
                ps.setInt(++i, m.specVersion());
                ps.setString(++i, m.task().specName());
                ps.setString(++i, m.algorithm().specName());
                ps.setString(++i, uri);
                ps.setString(++i, sha);
                ps.setString(++i, Json.write(m.params()));
                ps.setLong(++i, m.seed());
                ps.setString(++i, Json.write(m.features()));
                ps.setObject(++i, m.trainingFrom());
                ps.setObject(++i, m.trainingTo());
                ps.setLong(++i, m.trainingRows());
                ps.setObject(++i, m.holdoutFrom());
                ps.setObject(++i, m.holdoutTo());
                ps.setLong(++i, m.holdoutRows());
                ps.setString(++i, Json.write(m.holdoutMetrics()));
                ps.setString(++i, m.sparkVersion());
                ps.setString(++i, m.javaVersion());
                ps.setString(++i, m.nightshiftVersion());
                ps.setObject(++i, m.createdByRun(), java.sql.Types.BIGINT);
                ps.setObject(++i, m.parentVersionId(), java.sql.Types.BIGINT);
                ps.setString(++i, m.baselineMetrics() == null ? null : Json.write(m.baselineMetrics()));
                ps.setString(++i, m.trainingFingerprint());
                ps.setString(++i, m.tuning() == null ? null : Json.write(m.tuning()));
                ps.setString(++i, m.source());
                ps.setString(++i, m.sourceUri());
                ps.setString(++i, m.holdoutSegments() == null ? null : Json.write(m.holdoutSegments()));
                ps.setString(++i, m.baselineSegments() == null ? null : Json.write(m.baselineSegments()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            connection.commit();
            return new Registered(id, version, uri, sha);
        } catch (Exception e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * The model version {@code id}, checked to belong to {@code pipeline} and its artifact verified against the
     * registered manifest digest: what every job that loads a registered model must do before loading it.
     */
    public static ModelVersion findVerified(Connection connection, org.apache.hadoop.conf.Configuration conf, long id,
                                            String pipeline) throws Exception {
        ModelVersion model = find(connection, id);
        if (!model.pipeline().equals(pipeline)) {
            throw new IllegalArgumentException("model version id " + model.id() + " belongs to pipeline '" + model.pipeline()
                    + "', not '" + pipeline + "'");
        }
        ArtifactManifest.verify(conf, model.artifactUri(), model.version(), model.artifactSha256());
        return model;
    }

    public static ModelVersion find(Connection connection, long id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pipeline, version, spec_version, task, algorithm,"
                + " artifact_uri, artifact_sha256, features::text FROM " + Tables.MODEL_VERSIONS + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("model version id " + id + " does not exist in " + Tables.MODEL_VERSIONS);
                }
                List<ModelFeature> features = Json.read(rs.getString(8), new TypeReference<List<ModelFeature>>() { });
                return new ModelVersion(id, rs.getString(1), rs.getInt(2), rs.getInt(3), Task.fromSpecName(rs.getString(4)),
                        Algorithm.fromSpecName(rs.getString(5)), rs.getString(6), rs.getString(7), features);
            }
        }
    }
}
