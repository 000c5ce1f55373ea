package dev.nightshift.pipelines;

import dev.nightshift.audit.AuditLog;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.SpecCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Applies pipeline specs to the database (versioned) and reads them back. */
@Service
public class PipelineService {
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final SpecParser parser = new SpecParser();

    public PipelineService(JdbcClient jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** Parses, validates and stores a spec file; an unchanged spec keeps its version. */
    @Transactional
    public AppliedSpec apply(Path file, String actor) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(file.toString(), List.of("file not found"));
        } catch (IOException e) {
            throw new SpecException(file.toString(), List.of("cannot read: " + e.getMessage()));
        }
        PipelineSpec spec = parser.parse(file.toString(), text);
        return store(spec, text, file.toString(), actor);
    }

    /**
     * Parses, validates and stores a spec sent as text (the API's {@code PUT /api/pipelines/{name}}); {@code source}
     * names where it came from in error messages and in the stored spec, {@code expectedName} must be its name.
     */
    @Transactional
    public AppliedSpec applyText(String source, String text, String expectedName, String actor) {
        PipelineSpec spec = parser.parse(source, text);
        if (!spec.name().equals(expectedName)) {
            throw new SpecException(source, List.of("field 'name': the spec is named '" + spec.name() + "' but was sent for pipeline '"
                    + expectedName + "'"));
        }
        return store(spec, text, source, actor);
    }

    @Transactional
    public AppliedSpec store(PipelineSpec spec, String sourceYaml, String sourceFile, String actor) {
        String json = SpecCodec.toJson(spec);
        String sha = sha256(json);
        Optional<Integer> current = jdbc.sql("SELECT current_spec_version FROM pipelines WHERE name = ? FOR UPDATE")
                .param(spec.name()).query(Integer.class).optional();
        if (current.isPresent()) {
            Map<String, Object> latest = jdbc.sql("SELECT sha256, spec::text AS spec, applied_at FROM pipeline_specs WHERE pipeline = ? AND version = ?")
                    .params(spec.name(), current.get()).query().singleRow();
            // Unchanged when the same JSON, or when the stored spec, read with today's defaults, is this one: a field
            // added to the spec since it was stored (with a default) must not make an unchanged YAML a new version.
            if (sha.equals(latest.get("sha256"))
                    || sha.equals(sha256(SpecCodec.toJson(SpecCodec.fromJson((String) latest.get("spec")))))) {
                return new AppliedSpec(spec.name(), current.get(), spec, (String) latest.get("sha256"),
                        ((java.sql.Timestamp) latest.get("applied_at")).toInstant().atOffset(java.time.ZoneOffset.UTC), false);
            }
        }
        int version = current.map(v -> v + 1).orElse(1);
        if (current.isEmpty()) {
            jdbc.sql("INSERT INTO pipelines (name, current_spec_version) VALUES (?, ?)").params(spec.name(), version).update();
        }
        jdbc.sql("""
                INSERT INTO pipeline_specs (pipeline, version, spec, source_yaml, source_file, sha256, applied_by)
                VALUES (?, ?, ?::jsonb, ?, ?, ?, ?)""")
                .params(spec.name(), version, json, sourceYaml, sourceFile, sha, actor).update();
        jdbc.sql("UPDATE pipelines SET current_spec_version = ?, updated_at = now() WHERE name = ?")
                .params(version, spec.name()).update();
        audit.record(actor, "pipeline.apply", "pipeline:" + spec.name(),
                current.map(v -> Map.<String, Object>of("specVersion", v)).orElse(null),
                Map.of("specVersion", version, "sha256", sha, "file", sourceFile == null ? "" : sourceFile));
        return new AppliedSpec(spec.name(), version, spec, sha, OffsetDateTime.now(), true);
    }

    /** The spec new runs of this pipeline use. */
    public AppliedSpec current(String pipeline) {
        return jdbc.sql("""
                        SELECT s.version, s.spec::text AS spec, s.sha256, s.applied_at
                        FROM pipelines p JOIN pipeline_specs s ON s.pipeline = p.name AND s.version = p.current_spec_version
                        WHERE p.name = ?""")
                .param(pipeline)
                .query((rs, i) -> new AppliedSpec(pipeline, rs.getInt("version"), SpecCodec.fromJson(rs.getString("spec")),
                        rs.getString("sha256"), rs.getObject("applied_at", OffsetDateTime.class), false))
                .optional()
                .orElseThrow(() -> new UnknownPipelineException(pipeline, names()));
    }

    /** A stored version of a pipeline's spec, as a run recorded it. */
    public AppliedSpec version(String pipeline, int version) {
        return jdbc.sql("SELECT spec::text AS spec, sha256, applied_at FROM pipeline_specs WHERE pipeline = ? AND version = ?")
                .params(pipeline, version)
                .query((rs, i) -> new AppliedSpec(pipeline, version, SpecCodec.fromJson(rs.getString("spec")), rs.getString("sha256"),
                        rs.getObject("applied_at", OffsetDateTime.class), false))
                .optional()
                .orElseThrow(() -> new UnknownPipelineException(pipeline + " spec version " + version, names()));
    }

    public List<String> names() {
        return jdbc.sql("SELECT name FROM pipelines ORDER BY name").query(String.class).list();
    }

    public List<PipelineSummary> list() {
        return jdbc.sql("""
                        SELECT p.name, p.current_spec_version, p.paused, p.updated_at, s.spec::text AS spec,
                               mv.version AS champion_version, r.business_date AS last_date, r.status AS last_status
                        FROM pipelines p
                        JOIN pipeline_specs s ON s.pipeline = p.name AND s.version = p.current_spec_version
                        LEFT JOIN model_aliases a ON a.pipeline = p.name AND a.alias = 'champion'
                        LEFT JOIN model_versions mv ON mv.id = a.model_version_id
                        LEFT JOIN LATERAL (SELECT business_date, status FROM runs WHERE pipeline = p.name
                                           ORDER BY started_at DESC, id DESC LIMIT 1) r ON true
                        ORDER BY p.name""")
                .query((rs, i) -> {
                    PipelineSpec spec = SpecCodec.fromJson(rs.getString("spec"));
                    return new PipelineSummary(rs.getString("name"), rs.getInt("current_spec_version"),
                            spec.task().specName(), spec.model().algorithm().specName(),
                            spec.schedule() == null ? null : spec.schedule().cron(),
                            spec.schedule() == null ? null : spec.schedule().timezone(),
                            rs.getBoolean("paused"), (Integer) rs.getObject("champion_version"),
                            rs.getObject("last_date", LocalDate.class), rs.getString("last_status"),
                            rs.getObject("updated_at", OffsetDateTime.class));
                })
                .list();
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
