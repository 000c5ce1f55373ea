package dev.nightshift.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    public static final String CHALLENGER = "challenger";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcClient jdbc;
    private final AuditLog audit;

    public ModelRegistry(JdbcClient jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** Why an alias moved: recorded with the move, and used by {@link #rollback} to skip earlier rollbacks. */
    public enum AliasChange {
        BOOTSTRAP, PROMOTE, ROLLBACK, CHALLENGER;

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Optional<ModelVersion> alias(String pipeline, String alias) {
        return jdbc.sql(SELECT + " WHERE mv.id = (SELECT model_version_id FROM model_aliases WHERE pipeline = ? AND alias = ?)")
                .params(pipeline, alias).query(this::map).optional();
    }

    public Optional<ModelVersion> champion(String pipeline) {
        return alias(pipeline, CHAMPION);
    }

    public Optional<ModelVersion> challenger(String pipeline) {
        return alias(pipeline, CHALLENGER);
    }

    public Optional<ModelVersion> find(String pipeline, int version) {
        return jdbc.sql(SELECT + " WHERE mv.pipeline = ? AND mv.version = ?").params(pipeline, version).query(this::map).optional();
    }

    public Optional<ModelVersion> findById(long id) {
        return jdbc.sql(SELECT + " WHERE mv.id = ?").param(id).query(this::map).optional();
    }

    /** The version a Spark training job registered for the given run, if it did (the newest, if it registered several). */
    public Optional<ModelVersion> createdByRun(long runId) {
        return jdbc.sql(SELECT + " WHERE mv.created_by_run = ? ORDER BY mv.version DESC LIMIT 1")
                .param(runId).query(this::map).optional();
    }

    public List<ModelVersion> list(String pipeline) {
        return jdbc.sql(SELECT + " WHERE mv.pipeline = ? ORDER BY mv.version DESC").param(pipeline).query(this::map).list();
    }

    /** Points an alias at a version, recording the move (before and after, why, which kind of change) in the audit log. */
    @Transactional
    public void setAlias(String pipeline, String alias, ModelVersion version, String actor, AliasChange change, String reason) {
        if (!version.pipeline().equals(pipeline)) {
            throw new IllegalArgumentException("model version " + version.version() + " belongs to pipeline " + version.pipeline()
                    + ", not " + pipeline);
        }
        Optional<Integer> before = lockAlias(pipeline, alias);
        jdbc.sql("""
                        INSERT INTO model_aliases (pipeline, alias, model_version_id, updated_by) VALUES (?, ?, ?, ?)
                        ON CONFLICT (pipeline, alias) DO UPDATE SET model_version_id = excluded.model_version_id,
                            updated_at = now(), updated_by = excluded.updated_by""")
                .params(pipeline, alias, version.id(), actor).update();
        audit.record(actor, "alias.set", "pipeline:" + pipeline + "@" + alias,
                before.map(v -> Map.<String, Object>of("version", v)).orElse(null),
                Map.of("version", version.version(), "reason", reason, "change", change.key()));
    }

    /** Removes an alias if it is set, recording the removal. Returns the version it pointed to. */
    @Transactional
    public Optional<Integer> removeAlias(String pipeline, String alias, String actor, String reason) {
        Optional<Integer> before = lockAlias(pipeline, alias);
        if (before.isPresent()) {
            jdbc.sql("DELETE FROM model_aliases WHERE pipeline = ? AND alias = ?").params(pipeline, alias).update();
            audit.record(actor, "alias.remove", "pipeline:" + pipeline + "@" + alias, Map.of("version", before.get()),
                    Map.of("reason", reason));
        }
        return before;
    }

    /**
     * Makes {@code version} champion; if it was the challenger, the challenger alias is cleared in the same
     * transaction. Versions are immutable: promotion only moves aliases.
     */
    @Transactional
    public void promote(String pipeline, ModelVersion version, String actor, String reason) {
        Optional<ModelVersion> current = champion(pipeline);
        if (current.isPresent() && current.get().id() == version.id()) {
            throw new IllegalArgumentException(pipeline + ": model v" + version.version() + " is already the champion");
        }
        setAlias(pipeline, CHAMPION, version, actor, AliasChange.PROMOTE, reason);
        if (version.hasAlias(CHALLENGER)) {
            removeAlias(pipeline, CHALLENGER, actor, "v" + version.version() + " promoted to champion");
        }
    }

    /**
     * Restores the champion that the current one replaced: the version the champion alias pointed to before the
     * current champion was promoted (rollbacks themselves are skipped, so repeated rollbacks walk back in history).
     */
    @Transactional
    public ModelVersion rollback(String pipeline, String actor, String reason) {
        ModelVersion current = champion(pipeline).orElseThrow(() -> new IllegalArgumentException(
                pipeline + " has no champion to roll back"));
        Optional<Integer> previous = jdbc.sql("""
                        SELECT (before ->> 'version')::int FROM audit_log
                        WHERE action = 'alias.set' AND target = ? AND (after ->> 'version')::int = ?
                          AND coalesce(after ->> 'change', '') <> 'rollback' AND before IS NOT NULL
                        ORDER BY id DESC LIMIT 1""")
                .params("pipeline:" + pipeline + "@" + CHAMPION, current.version()).query(Integer.class).optional();
        ModelVersion target = previous.flatMap(v -> find(pipeline, v)).orElseThrow(() -> new IllegalArgumentException(
                pipeline + ": champion v" + current.version() + " did not replace an earlier champion; nothing to roll back to"));
        setAlias(pipeline, CHAMPION, target, actor, AliasChange.ROLLBACK,
                reason == null ? "rollback from v" + current.version() : reason);
        return target;
    }

    private Optional<Integer> lockAlias(String pipeline, String alias) {
        // Serializes concurrent moves of one pipeline's aliases, also when the alias row does not exist yet.
        jdbc.sql("SELECT name FROM pipelines WHERE name = ? FOR UPDATE").param(pipeline).query(String.class).optional();
        return jdbc.sql("""
                        SELECT mv.version FROM model_aliases a JOIN model_versions mv ON mv.id = a.model_version_id
                        WHERE a.pipeline = ? AND a.alias = ? FOR UPDATE OF a""")
                .params(pipeline, alias).query(Integer.class).optional();
    }

    private static final String SELECT = """
            SELECT mv.id, mv.pipeline, mv.version, mv.algorithm, mv.artifact_uri, mv.artifact_sha256, mv.training_from,
                   mv.training_to, mv.training_rows, mv.holdout_metrics::text AS holdout_metrics,
                   mv.baseline_metrics::text AS baseline_metrics, mv.parent_version_id, p.version AS parent_version,
                   mv.training_fingerprint, mv.source, mv.spec_version, mv.created_by_run, mv.created_at,
                   mv.params::text AS params, mv.tuning::text AS tuning, mv.source_uri,
                   mv.holdout_segments::text AS holdout_segments, mv.baseline_segments::text AS baseline_segments,
                   ARRAY(SELECT alias FROM model_aliases a WHERE a.model_version_id = mv.id ORDER BY alias) AS aliases
            FROM model_versions mv LEFT JOIN model_versions p ON p.id = mv.parent_version_id""";

    private ModelVersion map(java.sql.ResultSet rs, int row) throws SQLException {
        Array aliases = rs.getArray("aliases");
        return new ModelVersion(rs.getLong("id"), rs.getString("pipeline"), rs.getInt("version"), rs.getString("algorithm"),
                rs.getString("artifact_uri"), rs.getString("artifact_sha256"), rs.getObject("training_from", LocalDate.class),
                rs.getObject("training_to", LocalDate.class), rs.getLong("training_rows"), metrics(rs.getString("holdout_metrics")),
                metrics(rs.getString("baseline_metrics")), (Long) rs.getObject("parent_version_id"),
                (Integer) rs.getObject("parent_version"), rs.getString("training_fingerprint"), rs.getString("source"),
                rs.getInt("spec_version"), (Long) rs.getObject("created_by_run"), rs.getObject("created_at", OffsetDateTime.class),
                aliases == null ? List.of() : Arrays.asList((String[]) aliases.getArray()), object(rs.getString("params")),
                object(rs.getString("tuning")), rs.getString("source_uri"), segments(rs.getString("holdout_segments")),
                segments(rs.getString("baseline_segments")));
    }

    private static Map<String, Map<String, Map<String, Double>>> segments(String json) {
        return read(json, new TypeReference<java.util.TreeMap<String, Map<String, Map<String, Double>>>>() { },
                "a JSON object of segment columns, values and metrics");
    }

    private static Map<String, Object> object(String json) {
        return read(json, new TypeReference<java.util.LinkedHashMap<String, Object>>() { }, "a JSON object");
    }

    private static Map<String, Double> metrics(String json) {
        return read(json, new TypeReference<java.util.TreeMap<String, Double>>() { }, "a JSON object of numbers");
    }

    private static <T> T read(String json, TypeReference<? extends T> type, String expected) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("model_versions holds JSON that is not " + expected + ": " + json, e);
        }
    }
}
