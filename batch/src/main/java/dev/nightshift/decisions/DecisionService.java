package dev.nightshift.decisions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.contract.MetricPolicy;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.runs.RunContext;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The decide and gate steps: reads what EvaluateJob measured for the champion, applies the spec's policy, records the
 * {@code decisions} row with every reason, and after a retrain applies the promotion gate and policy. Each method is
 * idempotent for a run, so a restarted step repeats nothing it already did.
 */
@Service
public class DecisionService {
    private static final Logger log = LoggerFactory.getLogger(DecisionService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcClient jdbc;
    private final PipelineService pipelines;
    private final ModelRegistry registry;

    public DecisionService(JdbcClient jdbc, PipelineService pipelines, ModelRegistry registry) {
        this.jdbc = jdbc;
        this.pipelines = pipelines;
        this.registry = registry;
    }

    /** A decisions row as stored. */
    public record Stored(long id, long runId, String pipeline, LocalDate businessDate, Long modelVersionId, Decision.Outcome outcome,
                         String trigger, String reasons, Long candidateModelVersionId, String action, String gate) {
    }

    /** Judges the model that scored this night and records the decision (replacing an earlier one of the same run). */
    public Decision decide(RunContext run, long championId, boolean manual) {
        PipelineSpec spec = pipelines.version(run.pipeline(), run.specVersion()).spec();
        ModelVersion champion = registry.findById(championId).orElseThrow();
        List<MetricPolicy> policies = spec.monitoring() == null ? List.of() : spec.monitoring().metrics();
        int longest = policies.stream().mapToInt(MetricPolicy::consecutive).max().orElse(1);
        ShadowReview.Result shadow = manual ? null : reviewShadow(run, spec, champion);
        boolean challengerWaiting = registry.challenger(run.pipeline()).isPresent();
        Decision.DriftSignal drift = spec.retrainingOrDefaults().onDrift() ? drift(run.runId()).orElse(null) : null;
        Decision decision = DecisionPolicy.decide(policies, metric -> observations(run.pipeline(), championId, metric, longest),
                champion.holdoutMetrics(), drift, challengerWaiting, manual);
        Optional<LocalDate> later = jdbc.sql("SELECT max(business_date) FROM runs WHERE pipeline = ? AND status = 'COMPLETED' AND business_date > ?")
                .params(run.pipeline(), run.businessDate()).query(LocalDate.class).optional();
        if (later.isPresent() && decision.outcome() == Decision.Outcome.RETRAIN && decision.trigger() != Decision.Trigger.MANUAL) {
            // A backfilled or caught-up night judges the past; retraining as of then could replace a newer champion.
            decision = new Decision(Decision.Outcome.NO_DECISION, Decision.Trigger.NONE, decision.verdicts(), decision.drift(),
                    decision.summary() + "; not acted on: night " + later.get() + " has already run, and an earlier night never retrains");
        }
        if (shadow != null && shadow.verdict() == ShadowReview.Verdict.PROMOTE) {
            // The night's champion has just been replaced: its verdicts are kept as reasons, but not acted on.
            decision = new Decision(Decision.Outcome.NO_DECISION, Decision.Trigger.NONE, decision.verdicts(), decision.drift(),
                    "challenger promoted by the shadow policy (" + shadow.explanation() + "); the replaced champion's verdicts"
                            + " are not acted on: " + decision.summary());
        } else if (shadow != null && shadow.verdict() == ShadowReview.Verdict.REJECT) {
            decision = new Decision(decision.outcome(), decision.trigger(), decision.verdicts(), decision.drift(),
                    "challenger rejected by the shadow policy (" + shadow.explanation() + "); " + decision.summary());
        }
        jdbc.sql("""
                        INSERT INTO decisions (run_id, pipeline, business_date, model_version_id, outcome, trigger, reasons)
                        VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)
                        ON CONFLICT (run_id) DO UPDATE SET model_version_id = excluded.model_version_id, outcome = excluded.outcome,
                            trigger = excluded.trigger, reasons = excluded.reasons, decided_at = now(),
                            candidate_model_version_id = NULL, action = NULL, gate = NULL, acted_at = NULL""")
                .params(run.runId(), run.pipeline(), run.businessDate(), championId, decision.outcome().key(),
                        decision.trigger().key(), json(reasons(decision, shadow)))
                .update();
        log.info("{} {}: decision {} for champion v{}: {}", run.pipeline(), run.businessDate(), decision.outcome().key(),
                champion.version(), decision.summary());
        decision.verdicts().forEach(v -> log.info("{} {}:   {}", run.pipeline(), run.businessDate(), v.explanation()));
        return decision;
    }

    public Optional<Stored> forRun(long runId) {
        return jdbc.sql(SELECT + " WHERE run_id = ?").param(runId).query(DecisionService::stored).optional();
    }

    public List<Stored> list(String pipeline, int limit) {
        return jdbc.sql(SELECT + " WHERE pipeline = ? ORDER BY business_date DESC, id DESC LIMIT ?").params(pipeline, limit)
                .query(DecisionService::stored).list();
    }

    private static final String SELECT = """
            SELECT id, run_id, pipeline, business_date, model_version_id, outcome, trigger, reasons::text,
                   candidate_model_version_id, action, gate::text
            FROM decisions""";

    private static Stored stored(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Stored(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getObject(4, LocalDate.class), (Long) rs.getObject(5),
                Decision.Outcome.of(rs.getString(6)), rs.getString(7), rs.getString(8), (Long) rs.getObject(9), rs.getString(10),
                rs.getString(11));
    }

    /** Records the candidate a retrain registered, so that a restarted retrain step does not train another one. */
    public void recordCandidate(long runId, long candidateId) {
        int updated = jdbc.sql("UPDATE decisions SET candidate_model_version_id = ? WHERE run_id = ?").params(candidateId, runId).update();
        if (updated != 1) {
            throw new IllegalStateException("run " + runId + " has no decision to attach candidate model version " + candidateId + " to");
        }
    }

    /**
     * Applies the gate to the run's candidate and then the spec's promotion policy: {@code auto} promotes a candidate
     * that passed; {@code manual} (and any candidate the gate could not compare) makes it the challenger; a candidate
     * that failed is rejected and stays registered without an alias. Alias moves and the decision update commit together.
     */
    @Transactional
    public PromotionGate.Result gate(RunContext run) {
        Stored d = forRun(run.runId()).orElseThrow(() -> new IllegalStateException("run " + run.runId() + " has no decision"));
        if (d.candidateModelVersionId() == null) {
            throw new IllegalStateException("run " + run.runId() + " decided to retrain but registered no candidate");
        }
        PipelineSpec spec = pipelines.version(run.pipeline(), run.specVersion()).spec();
        ModelVersion candidate = registry.findById(d.candidateModelVersionId()).orElseThrow();
        ModelVersion judged = registry.findById(d.modelVersionId()).orElseThrow();
        String metric = PromotionGate.metric(spec);
        PromotionGate.Result result = PromotionGate.judge(spec.retrainingOrDefaults().gate(), metric, candidate.version(),
                judged.version(), candidate.holdoutMetrics(), candidate.baselineMetrics(), candidate.holdoutSegments(),
                candidate.baselineSegments());
        if (d.action() != null) {
            log.info("{} {}: gate already applied ({} v{})", run.pipeline(), run.businessDate(), d.action(), candidate.version());
            return result;
        }
        String policy = spec.retrainingOrDefaults().promotion();
        String action;
        String why = "run " + run.runId() + " (" + run.businessDate() + "): " + result.explanation();
        if (result.passed() && "auto".equals(policy)) {
            Optional<ModelVersion> current = registry.champion(run.pipeline());
            if (current.isPresent() && current.get().id() != judged.id()) {
                // Someone moved the champion while this run trained: the candidate was not compared with it.
                action = "challenger";
                registry.setAlias(run.pipeline(), ModelRegistry.CHALLENGER, candidate, "nightshift", ModelRegistry.AliasChange.CHALLENGER,
                        why + "; the champion changed to v" + current.get().version() + " meanwhile, so it is not promoted");
            } else {
                action = "promoted";
                registry.promote(run.pipeline(), candidate, "nightshift", "auto promotion: " + why);
            }
        } else if (result.passed() || !result.comparable()) {
            action = "challenger";
            registry.setAlias(run.pipeline(), ModelRegistry.CHALLENGER, candidate, "nightshift", ModelRegistry.AliasChange.CHALLENGER,
                    (result.passed() ? policy + " promotion policy: " : "not comparable: ") + why
                            + (PipelineSpec.Retraining.SHADOW.equals(policy) ? "; scored in shadow until its live metrics decide" : ""));
        } else {
            action = "rejected";
        }
        jdbc.sql("UPDATE decisions SET action = ?, gate = ?::jsonb, acted_at = now() WHERE run_id = ?")
                .params(action, json(gateJson(result, policy)), run.runId()).update();
        log.info("{} {}: candidate v{} {}: {}", run.pipeline(), run.businessDate(), candidate.version(), action, result.explanation());
        return result;
    }

    /** The night's dataset drift as DriftJob judged it ({@code __dataset__}), with the drifted features. */
    private Optional<Decision.DriftSignal> drift(long runId) {
        List<String> features = jdbc.sql("""
                        SELECT feature FROM feature_drift WHERE run_id = ? AND chosen AND drifted AND feature NOT LIKE '\\_\\_%'
                        ORDER BY feature""").param(runId).query(String.class).list();
        return jdbc.sql("SELECT drifted, statistic, threshold FROM feature_drift WHERE run_id = ? AND feature = '__dataset__' AND chosen")
                .param(runId)
                .query((rs, i) -> new Decision.DriftSignal(rs.getBoolean(1), rs.getDouble(2), rs.getDouble(3), features))
                .optional();
    }

    private List<MetricObservation> observations(String pipeline, long modelVersionId, String metric, int limit) {
        return jdbc.sql("""
                        SELECT business_date, value, ci_low, ci_high, n FROM model_metrics
                        WHERE pipeline = ? AND model_version_id = ? AND metric = ?
                        ORDER BY business_date DESC LIMIT ?""")
                .params(pipeline, modelVersionId, metric, limit)
                .query((rs, i) -> new MetricObservation(rs.getObject(1, LocalDate.class), rs.getDouble(2),
                        (Double) rs.getObject(3), (Double) rs.getObject(4), rs.getLong(5)))
                .list();
    }

    private static Map<String, Object> reasons(Decision d, ShadowReview.Result shadow) {
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (MetricVerdict v : d.verdicts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("metric", v.metric());
            m.put("status", v.status());
            m.put("lowerLimit", v.lowerLimit());
            m.put("upperLimit", v.upperLimit());
            m.put("thresholdSource", v.thresholdSource());
            m.put("useInterval", v.useInterval());
            m.put("consecutive", v.consecutive());
            m.put("minSamples", v.minSamples());
            List<Map<String, Object>> window = new ArrayList<>();
            for (MetricVerdict.Judged j : v.window()) {
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("businessDate", j.observation().businessDate().toString());
                w.put("value", finite(j.observation().value()));
                w.put("ciLow", finite(j.observation().ciLow()));
                w.put("ciHigh", finite(j.observation().ciHigh()));
                w.put("n", j.observation().n());
                w.put("breached", j.breached());
                window.add(w);
            }
            m.put("window", window);
            m.put("explanation", v.explanation());
            metrics.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("summary", d.summary());
        out.put("metrics", metrics);
        if (d.drift() != null) {
            Map<String, Object> drift = new LinkedHashMap<>();
            drift.put("drifted", d.drift().drifted());
            drift.put("share", finite(d.drift().share()));
            drift.put("maxShare", finite(d.drift().maxShare()));
            drift.put("features", d.drift().features());
            out.put("drift", drift);
        }
        if (shadow != null) {
            Map<String, Object> sh = new LinkedHashMap<>();
            sh.put("verdict", shadow.verdict().name().toLowerCase(java.util.Locale.ROOT));
            sh.put("metric", shadow.metric());
            sh.put("days", shadow.days());
            sh.put("required", shadow.required());
            sh.put("championMean", finite(shadow.championMean()));
            sh.put("challengerMean", finite(shadow.challengerMean()));
            sh.put("explanation", shadow.explanation());
            out.put("shadow", sh);
        }
        return out;
    }

    /**
     * Under the {@code shadow} promotion policy, judges the waiting challenger on its live metrics beside the champion
     * that scored this night, and promotes or rejects it once it has {@code shadowDays} evaluated nights. Null when
     * the policy is another one, no challenger waits, or the champion changed since this night was scored.
     */
    private ShadowReview.Result reviewShadow(RunContext run, PipelineSpec spec, ModelVersion champion) {
        PipelineSpec.Retraining retraining = spec.retrainingOrDefaults();
        if (!PipelineSpec.Retraining.SHADOW.equals(retraining.promotion())) {
            return null;
        }
        Optional<ModelVersion> challenger = registry.challenger(run.pipeline());
        Optional<ModelVersion> current = registry.champion(run.pipeline());
        if (challenger.isEmpty() || current.isEmpty() || current.get().id() != champion.id()) {
            return null;
        }
        String metric = PromotionGate.metric(spec);
        List<ShadowReview.Day> days = jdbc.sql("""
                        SELECT a.business_date, a.value, b.value FROM model_metrics a
                        JOIN model_metrics b ON b.pipeline = a.pipeline AND b.business_date = a.business_date AND b.metric = a.metric
                        WHERE a.pipeline = ? AND a.metric = ? AND a.model_version_id = ? AND b.model_version_id = ?
                          AND a.value <> 'NaN' AND b.value <> 'NaN'
                        ORDER BY a.business_date DESC LIMIT ?""")
                .params(run.pipeline(), metric, champion.id(), challenger.get().id(), retraining.shadowDays())
                .query((rs, i) -> new ShadowReview.Day(rs.getObject(1, LocalDate.class), rs.getDouble(2), rs.getDouble(3)))
                .list();
        ShadowReview.Result result = ShadowReview.review(days, retraining.shadowDays(), retraining.gate(), metric, champion.version(),
                challenger.get().version());
        String why = "shadow policy, run " + run.runId() + " (" + run.businessDate() + "): " + result.explanation();
        switch (result.verdict()) {
            case PROMOTE -> registry.promote(run.pipeline(), challenger.get(), "nightshift", why);
            case REJECT -> registry.removeAlias(run.pipeline(), ModelRegistry.CHALLENGER, "nightshift", why);
            case WAIT -> { }
        }
        log.info("{} {}: {}", run.pipeline(), run.businessDate(), result.explanation());
        return result;
    }

    private static Map<String, Object> gateJson(PromotionGate.Result r, String policy) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("policy", policy);
        g.put("metric", r.metric());
        g.put("comparable", r.comparable());
        g.put("passed", r.passed());
        g.put("candidate", r.candidate());
        g.put("champion", r.champion());
        g.put("improvement", r.improvement());
        g.put("relativeImprovement", r.relativeImprovement() == null || r.relativeImprovement().isInfinite() ? null : r.relativeImprovement());
        g.put("minImprovement", r.minImprovement());
        g.put("minRelativeImprovement", r.minRelativeImprovement());
        if (r.maxSegmentDrop() != null) {
            g.put("maxSegmentDrop", r.maxSegmentDrop());
            g.put("segments", r.segments());
        }
        g.put("explanation", r.explanation());
        return g;
    }

    /** JSON (and so jsonb) has no NaN or infinity. */
    private static Double finite(Double v) {
        return v == null || v.isNaN() || v.isInfinite() ? null : v;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value, e);
        }
    }
}
