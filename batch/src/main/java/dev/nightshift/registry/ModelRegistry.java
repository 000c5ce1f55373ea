package dev.nightshift.registry;

import dev.nightshift.audit.AuditLog;
import java.sql.Array;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Model versions and their aliases; the champion alias is what nightly runs score with. */
@Service
public class ModelRegistry {
    public static final String CHAMPION = "champion";

    private final JdbcClient jdbc;
    private final AuditLog audit;

    public ModelRegistry(JdbcClient jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    public Optional<ModelVersion> alias(String pipeline, String alias) {
        return jdbc.sql(SELECT + " WHERE mv.id = (SELECT model_version_id FROM model_aliases WHERE pipeline = ? AND alias = ?)")
                .params(pipeline, alias).query(this::map).optional();
    }

    public Optional<ModelVersion> champion(String pipeline) {
        return alias(pipeline, CHAMPION);
    }

    /** The version a Spark training job registered for the given run, if it did. */
    public Optional<ModelVersion> createdByRun(long runId) {
        return jdbc.sql(SELECT + " WHERE mv.created_by_run = ? ORDER BY mv.version DESC LIMIT 1")
                .param(runId).query(this::map).optional();
    }

    public List<ModelVersion> list(String pipeline) {
        return jdbc.sql(SELECT + " WHERE mv.pipeline = ? ORDER BY mv.version DESC").param(pipeline).query(this::map).list();
    }

    /** Points an alias at a version, recording the move (before and after) in the audit log. */
    @Transactional
    public void setAlias(String pipeline, String alias, ModelVersion version, String actor, String reason) {
        if (!version.pipeline().equals(pipeline)) {
            throw new IllegalArgumentException("model version " + version.version() + " belongs to pipeline " + version.pipeline()
                    + ", not " + pipeline);
        }
        Optional<Integer> before = jdbc.sql("""
                        SELECT mv.version FROM model_aliases a JOIN model_versions mv ON mv.id = a.model_version_id
                        WHERE a.pipeline = ? AND a.alias = ? FOR UPDATE OF a""")
                .params(pipeline, alias).query(Integer.class).optional();
        jdbc.sql("""
                        INSERT INTO model_aliases (pipeline, alias, model_version_id, updated_by) VALUES (?, ?, ?, ?)
                        ON CONFLICT (pipeline, alias) DO UPDATE SET model_version_id = excluded.model_version_id,
                            updated_at = now(), updated_by = excluded.updated_by""")
                .params(pipeline, alias, version.id(), actor).update();
        audit.record(actor, "alias.set", "pipeline:" + pipeline + "@" + alias,
                before.map(v -> Map.<String, Object>of("version", v)).orElse(null),
                Map.of("version", version.version(), "reason", reason));
    }

    private static final String SELECT = """
            SELECT mv.id, mv.pipeline, mv.version, mv.algorithm, mv.artifact_uri, mv.artifact_sha256, mv.training_from,
                   mv.training_to, mv.training_rows, mv.holdout_metrics::text AS holdout_metrics, mv.created_by_run, mv.created_at,
                   ARRAY(SELECT alias FROM model_aliases a WHERE a.model_version_id = mv.id ORDER BY alias) AS aliases
            FROM model_versions mv""";

    private ModelVersion map(java.sql.ResultSet rs, int row) throws SQLException {
        Array aliases = rs.getArray("aliases");
        return new ModelVersion(rs.getLong("id"), rs.getString("pipeline"), rs.getInt("version"), rs.getString("algorithm"),
                rs.getString("artifact_uri"), rs.getString("artifact_sha256"), rs.getObject("training_from", LocalDate.class),
                rs.getObject("training_to", LocalDate.class), rs.getLong("training_rows"), rs.getString("holdout_metrics"),
                (Long) rs.getObject("created_by_run"), rs.getObject("created_at", OffsetDateTime.class),
                aliases == null ? List.of() : Arrays.asList((String[]) aliases.getArray()));
    }
}
