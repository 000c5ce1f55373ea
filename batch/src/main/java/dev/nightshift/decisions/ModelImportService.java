package dev.nightshift.decisions;

import dev.nightshift.audit.AuditLog;
import dev.nightshift.config.NightshiftHome;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.contract.ImportArgs;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.pipelines.AppliedSpec;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.spark.SparkApplication;
import dev.nightshift.spark.SparkSubmitter;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * {@code nightshift models import}: the handoff from a notebook. ImportJob checks and measures the model and registers
 * it; then the same promotion gate as for a retrained candidate decides, against the champion on the same holdout rows.
 * An imported model becomes at most the challenger (scored in shadow from the next night); only an explicit
 * {@code models promote} makes it champion. Every import is audited, whatever the gate said.
 */
@Service
public class ModelImportService {
    private static final Logger log = LoggerFactory.getLogger(ModelImportService.class);

    /** What an import did: the registered version, the gate's verdict (null without a champion) and the alias action. */
    public record Imported(ModelVersion version, PromotionGate.Result gate, String action, String explanation) {
    }

    private final PipelineService pipelines;
    private final ModelRegistry registry;
    private final SparkSubmitter submitter;
    private final NightshiftProperties props;
    private final AuditLog audit;
    private final JdbcClient jdbc;

    public ModelImportService(PipelineService pipelines, ModelRegistry registry, SparkSubmitter submitter, NightshiftProperties props,
                              AuditLog audit, JdbcClient jdbc) {
        this.pipelines = pipelines;
        this.registry = registry;
        this.submitter = submitter;
        this.props = props;
        this.audit = audit;
        this.jdbc = jdbc;
    }

    public Imported importModel(String pipeline, String source, LocalDate asOf, String actor, String reason) {
        AppliedSpec applied = pipelines.current(pipeline);
        PipelineSpec spec = applied.spec();
        Optional<ModelVersion> champion = registry.champion(pipeline);
        String uri = sourceUri(source);
        OffsetDateTime started = jdbc.sql("SELECT now()").query(OffsetDateTime.class).single();
        ImportArgs args = new ImportArgs(pipeline, applied.version(), asOf, uri, NightshiftHome.warehouseUri(props),
                champion.map(ModelVersion::id).orElse(null));
        submitter.submit(new SparkApplication("import-" + pipeline, ImportArgs.JOB_CLASS, args.toArgs(), props.spark().timeout(), pipeline));
        long id = jdbc.sql("""
                        SELECT id FROM model_versions WHERE pipeline = ? AND source = 'imported' AND source_uri = ? AND created_at >= ?
                        ORDER BY id DESC LIMIT 1""")
                .params(pipeline, uri, started).query(Long.class).optional()
                .orElseThrow(() -> new IllegalStateException("ImportJob for " + uri + " finished but registered no model version"));
        ModelVersion imported = registry.findById(id).orElseThrow();

        PromotionGate.Result gate = null;
        String action;
        String explanation;
        if (champion.isEmpty()) {
            action = "challenger";
            explanation = pipeline + " has no champion to compare with; v" + imported.version() + " waits as challenger";
        } else {
            gate = PromotionGate.judge(spec.retrainingOrDefaults().gate(), PromotionGate.metric(spec), imported.version(),
                    champion.get().version(), imported.holdoutMetrics(), imported.baselineMetrics(), imported.holdoutSegments(),
                    imported.baselineSegments());
            action = gate.passed() || !gate.comparable() ? "challenger" : "rejected";
            explanation = gate.explanation();
        }
        String why = "imported from " + uri + " by " + actor + (reason == null ? "" : " (" + reason + ")") + ": " + explanation;
        if ("challenger".equals(action)) {
            Optional<ModelVersion> waiting = registry.challenger(pipeline);
            registry.setAlias(pipeline, ModelRegistry.CHALLENGER, imported, actor, ModelRegistry.AliasChange.CHALLENGER,
                    why + waiting.map(w -> "; replaces challenger v" + w.version()).orElse(""));
        }
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("version", imported.version());
        after.put("source", uri);
        after.put("action", action);
        after.put("gate", explanation);
        if (reason != null) {
            after.put("reason", reason);
        }
        audit.record(actor, "model.import", "pipeline:" + pipeline, null, after);
        log.info("{}: imported {} as v{}: {} ({})", pipeline, uri, imported.version(), action, explanation);
        return new Imported(registry.findById(id).orElseThrow(), gate, action, explanation);
    }

    /** A local path becomes an absolute {@code file:} URI (the Spark application may run elsewhere); a URI is kept. */
    static String sourceUri(String source) {
        if (source.matches("^[A-Za-z][A-Za-z0-9+.-]*:/.*")) {
            return URI.create(source).toString().replaceAll("/+$", "");
        }
        return Path.of(source).toAbsolutePath().normalize().toUri().toString().replaceAll("/+$", "");
    }
}
