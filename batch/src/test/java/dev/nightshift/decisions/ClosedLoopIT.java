package dev.nightshift.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.IntegrationTest;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.runs.NightlyService;
import dev.nightshift.runs.RunContext;
import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRequest;
import dev.nightshift.runs.RunService;
import dev.nightshift.runs.RunTrigger;
import dev.nightshift.spark.SparkApplication;
import dev.nightshift.spark.SparkSubmitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The closed loop on real Spark jobs and PostgreSQL: synthetic churn data whose concept flips on {@link #DRIFT}
 * (the tenure effect reverses). The champion trained before it breaks its AUC floor once a drifted night is labelled;
 * the night decides to retrain, the candidate trained on drifted data beats the champion on its holdout, and the
 * promotion policy decides what happens to it. Then promote, rollback, a manual retrain with auto promotion, and a
 * candidate that is no better than the champion and is rejected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClosedLoopIT extends IntegrationTest {
    static final String PIPELINE = "churn-loop";
    static final int ENTITIES = 400;
    static final LocalDate DRIFT = LocalDate.of(2026, 10, 10);
    static final LocalDate BEFORE = DRIFT.minusDays(1);
    static final LocalDate N2 = DRIFT.plusDays(3);
    static final LocalDate N3 = DRIFT.plusDays(4);
    static final LocalDate N4 = DRIFT.plusDays(5);
    static final LocalDate N5 = DRIFT.plusDays(6);

    @Autowired RunService runs;
    @Autowired PipelineService pipelines;
    @Autowired ModelRegistry registry;
    @Autowired SparkSubmitter submitter;
    @Autowired NightlyService nightly;
    @Autowired DecisionService decisions;
    @Autowired ModelImportService imports;
    @Autowired JdbcClient jdbc;

    String specYaml;

    @BeforeAll
    void generateDataAndApplySpec() throws IOException {
        submitter.submit(new SparkApplication("generate-loop", GenerateDataArgs.JOB_CLASS,
                new GenerateDataArgs("churn", nightly.warehouse(), DRIFT.minusDays(30), N5, ENTITIES, 5, DRIFT, 0, 1.0, 1).toArgs(),
                Duration.ofMinutes(5)));
        specYaml = dev.nightshift.TestSpecs.churnScoringOnly(Path.of("../config/pipelines/churn.yml"), PIPELINE)
                .replace("algorithm: gbt-classifier", "algorithm: logistic-regression")
                .replace("params: { maxDepth: 4, maxIter: 20, stepSize: 0.1 }", "params: { maxIter: 30 }")
                .replace("lagDays: 2", "lagDays: 1")
                .replace("trainingWindowDays: 7 ", "trainingWindowDays: 6 ")
                .replace("holdoutDays: 1 ", "holdoutDays: 2 ")
                + """
                monitoring:
                  metrics: [ { metric: auc, min: 0.65, minSamples: 100 } ]
                """;
        apply(specYaml + "retraining: { promotion: manual }\n");
    }

    void apply(String yaml) throws IOException {
        Path file = HOME.resolve(PIPELINE + "-" + System.nanoTime() + ".yml");
        Files.writeString(file, yaml);
        pipelines.apply(file, "test");
    }

    RunRecord night(LocalDate date, boolean rerun, boolean retrain) {
        RunRecord r = runs.run(new RunRequest(PIPELINE, date, RunTrigger.CLI, rerun, "test", retrain));
        assertThat(r.status()).as(r.error()).isEqualTo("COMPLETED");
        return r;
    }

    Map<String, Object> decision(RunRecord run) {
        return jdbc.sql("""
                        SELECT d.outcome, d.trigger, d.reasons::text AS reasons, d.action, d.gate::text AS gate, c.version AS candidate,
                               j.version AS judged
                        FROM decisions d JOIN model_versions j ON j.id = d.model_version_id
                        LEFT JOIN model_versions c ON c.id = d.candidate_model_version_id WHERE d.run_id = ?""")
                .param(run.id()).query().singleRow();
    }

    int champion() {
        return registry.champion(PIPELINE).orElseThrow().version();
    }

    @Test
    @Order(1)
    void aDriftedNightBreachesTheFloorAndUnderManualPolicyTheBetterCandidateBecomesChallenger() {
        RunRecord first = night(BEFORE, false, false);   // bootstraps v1 on pre-drift data
        RunRecord second = night(N2, false, false);      // evaluates BEFORE (good), nothing drifted labelled yet
        RunRecord third = night(N3, false, false);       // evaluates N2: the concept has flipped

        assertThat(first.modelVersion()).isEqualTo(1);
        assertThat(decision(second).get("outcome")).isEqualTo("keep");
        Map<String, Object> d = decision(third);
        assertThat(d.get("outcome")).as(d.toString()).isEqualTo("retrain");
        assertThat(d.get("trigger")).isEqualTo("policy");
        assertThat((String) d.get("reasons")).contains("\"status\": \"breached\"", N2.toString(), "lower limit 0.6500");
        assertThat(d.get("candidate")).isEqualTo(2);
        assertThat(d.get("action")).as((String) d.get("gate")).isEqualTo("challenger");
        assertThat((String) d.get("gate")).contains("\"passed\": true", "\"policy\": \"manual\"");
        // manual policy: the champion and the night's published predictions stay with v1
        assertThat(champion()).isEqualTo(1);
        assertThat(registry.challenger(PIPELINE).orElseThrow().version()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT DISTINCT mv.version FROM predictions p JOIN model_versions mv ON mv.id = p.model_version_id"
                + " WHERE p.pipeline = ? AND p.business_date = ?").params(PIPELINE, N3).query(Integer.class).list()).containsExactly(1);
        // lineage of the candidate: parent, the parent's metrics on the same holdout, a window that ends before the label lag
        ModelVersion v2 = registry.find(PIPELINE, 2).orElseThrow();
        assertThat(v2.parentVersion()).isEqualTo(1);
        assertThat(v2.createdByRun()).isEqualTo(third.id());
        assertThat(v2.trainingTo()).isBefore(N3);
        assertThat(v2.baselineMetrics()).containsKey("areaUnderROC");
        assertThat(v2.holdoutMetrics().get("areaUnderROC")).isGreaterThan(v2.baselineMetrics().get("areaUnderROC"));
        assertThat(v2.trainingFingerprint()).startsWith("rows=");

        // a restarted retrain step (its run failed after TrainJob registered the candidate) trains nothing: it takes
        // the candidate its run already registered against the same champion
        int versions = registry.list(PIPELINE).size();
        ModelVersion again = nightly.retrain(new RunContext(PIPELINE, N3, third.id(), third.specVersion()),
                registry.find(PIPELINE, 1).orElseThrow().id());
        assertThat(again.version()).isEqualTo(2);
        assertThat(registry.list(PIPELINE)).hasSize(versions);
    }

    @Test
    @Order(2)
    void aWaitingChallengerStopsFurtherRetrainsThenPromoteAndRollbackMoveTheChampionWithAuditRows() {
        RunRecord again = night(N3, true, false);
        assertThat(decision(again).get("outcome")).isEqualTo("awaiting_promotion");
        assertThat(registry.list(PIPELINE)).hasSize(2);
        // the waiting challenger scored the night too, in shadow: its own Delta table, not the published predictions
        assertThat(Path.of(java.net.URI.create(nightly.warehouse())).resolve("shadow/" + PIPELINE + "/business_date=" + N3)).isDirectory();
        assertThat(jdbc.sql("SELECT DISTINCT mv.version FROM predictions p JOIN model_versions mv ON mv.id = p.model_version_id"
                + " WHERE p.pipeline = ? AND p.business_date = ?").params(PIPELINE, N3).query(Integer.class).list()).containsExactly(1);

        registry.promote(PIPELINE, registry.challenger(PIPELINE).orElseThrow(), "test", "reviewed");
        assertThat(champion()).isEqualTo(2);
        assertThat(registry.challenger(PIPELINE)).isEmpty();

        ModelVersion restored = registry.rollback(PIPELINE, "test", null);
        assertThat(restored.version()).isEqualTo(1);
        assertThat(champion()).isEqualTo(1);
        List<Map<String, Object>> moves = asAnalyst("""
                        SELECT from_version, to_version, actor FROM analytics.alias_history
                        WHERE pipeline = ? AND alias = 'champion' ORDER BY at""", PIPELINE);
        assertThat(moves).extracting(m -> m.get("from_version"), m -> m.get("to_version"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(null, 1), org.assertj.core.groups.Tuple.tuple(1, 2),
                        org.assertj.core.groups.Tuple.tuple(2, 1));
        // v1 replaced no champion: nothing further to roll back to
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.rollback(PIPELINE, "test", null))
                .hasMessageContaining("nothing to roll back to");
    }

    @Test
    @Order(3)
    void aManualRetrainUnderAutoPolicyPromotesAWinnerAndRejectsACandidateNoBetterThanTheChampion() throws IOException {
        // with the gate's per-segment limit: no region may get worse by more than 0.05 AUC on the holdout
        apply(specYaml.replace("monitoring:\n", "monitoring:\n  segments: [ region ]\n")
                + "retraining: { promotion: auto, gate: { metric: auc, minImprovement: 0.001, maxSegmentDrop: 0.05, minSegmentRows: 50 } }\n");

        RunRecord promoted = night(N3, true, true);
        Map<String, Object> d = decision(promoted);
        assertThat(d.get("trigger")).isEqualTo("manual");
        assertThat(d.get("action")).as((String) d.get("gate")).isEqualTo("promoted");
        assertThat(champion()).isEqualTo(3);
        // every region was compared on the same holdout rows, and the comparison is in the decision
        ModelVersion v3 = registry.find(PIPELINE, 3).orElseThrow();
        assertThat(v3.holdoutSegments().get("region").keySet()).isEqualTo(v3.baselineSegments().get("region").keySet()).hasSizeGreaterThan(1);
        assertThat(v3.holdoutSegments().get("region").values().stream().mapToDouble(m -> m.get("n")).sum())
                .isEqualTo(v3.holdoutMetrics().get("n"));
        assertThat((String) d.get("gate")).contains("\"maxSegmentDrop\": 0.05", "\"segment\": \"region\"", "worst segment region=");
        // a gate step run again (a restart after it committed) reads its action back and moves no alias
        RunContext promotedRun = new RunContext(PIPELINE, N3, promoted.id(), promoted.specVersion());
        long aliasMoves = aliasMoves();
        decisions.gate(promotedRun);
        assertThat(aliasMoves()).isEqualTo(aliasMoves);
        assertThat(champion()).isEqualTo(3);

        // trained on exactly the data of v3 (same night, same spec, same seed): it cannot beat v3 by 0.001
        RunRecord rejected = night(N3, true, true);
        Map<String, Object> r = decision(rejected);
        assertThat(r.get("judged")).isEqualTo(3);
        assertThat(r.get("action")).as((String) r.get("gate")).isEqualTo("rejected");
        assertThat(champion()).isEqualTo(3);
        assertThat(registry.find(PIPELINE, 4).orElseThrow().aliases()).isEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM predictions WHERE pipeline = ? AND business_date = ?").params(PIPELINE, N3)
                .query(Long.class).single()).isEqualTo(ENTITIES);

        // had somebody moved the champion while that run trained, its winner would not have been promoted over a champion
        // it was never compared with: it waits as challenger (the run's gate applied again, as if for the first time)
        int judged = (Integer) d.get("judged");
        ModelVersion movedTo = registry.find(PIPELINE, judged == 1 ? 2 : 1).orElseThrow();
        registry.promote(PIPELINE, movedTo, "test", "moved while the run trained");
        jdbc.sql("UPDATE decisions SET action = NULL, gate = NULL, acted_at = NULL WHERE run_id = ?").param(promoted.id()).update();
        decisions.gate(promotedRun);
        assertThat(decision(promoted).get("action")).isEqualTo("challenger");
        assertThat(champion()).isEqualTo(movedTo.version());
        assertThat(registry.challenger(PIPELINE).orElseThrow().version()).isEqualTo(3);
        assertThat(jdbc.sql("SELECT after ->> 'reason' FROM audit_log WHERE action = 'alias.set' AND target = ? ORDER BY id DESC LIMIT 1")
                .param("pipeline:" + PIPELINE + "@challenger").query(String.class).single())
                .contains("the champion changed to v" + movedTo.version() + " meanwhile");
    }

    long aliasMoves() {
        return jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'alias.set' AND target LIKE ?").param("pipeline:" + PIPELINE + "@%")
                .query(Long.class).single();
    }

    @Test
    @Order(4)
    void underTheShadowPolicyAChallengerBetterOnLiveLabelledNightsIsPromoted() throws IOException {
        apply(specYaml + "retraining: { promotion: shadow, shadowDays: 1, gate: { metric: auc, minImprovement: 0.001 } }\n");
        // the pre-drift v1 champion again, and v3 (trained on drifted data) waiting as challenger
        registry.promote(PIPELINE, registry.find(PIPELINE, 1).orElseThrow(), "test", "shadow scenario");
        registry.setAlias(PIPELINE, ModelRegistry.CHALLENGER, registry.find(PIPELINE, 3).orElseThrow(), "test",
                ModelRegistry.AliasChange.CHALLENGER, "shadow scenario");

        RunRecord scored = night(N4, false, false);     // v1 publishes N4, v3 scores it in shadow
        Map<String, Object> waiting = decision(scored);
        assertThat((String) waiting.get("reasons")).contains("\"verdict\": \"wait\"", "on 0 of the 1 labelled nights");
        assertThat(champion()).isEqualTo(1);
        RunRecord judged = night(N5, false, false);     // N4's labels are known: both versions are evaluated on it

        List<Map<String, Object>> live = jdbc.sql("""
                        SELECT mv.version, m.value FROM model_metrics m JOIN model_versions mv ON mv.id = m.model_version_id
                        WHERE m.pipeline = ? AND m.business_date = ? AND m.metric = 'auc' ORDER BY mv.version""")
                .params(PIPELINE, N4).query().listOfRows();
        assertThat(live).extracting(m -> m.get("version")).containsExactly(1, 3);
        assertThat((Double) live.get(1).get("value")).isGreaterThan((Double) live.get(0).get("value") + 0.001);
        Map<String, Object> d = decision(judged);
        assertThat(d.get("outcome")).as(d.toString()).isEqualTo("no_decision");
        assertThat((String) d.get("reasons")).contains("\"verdict\": \"promote\"", "challenger promoted by the shadow policy",
                "live auc over 1 labelled nights " + N4 + ".." + N4);
        assertThat(champion()).isEqualTo(3);
        assertThat(registry.challenger(PIPELINE)).isEmpty();
        assertThat(asAnalyst("""
                        SELECT actor FROM analytics.alias_history WHERE pipeline = ? AND alias = 'champion' AND to_version = 3
                        ORDER BY at DESC LIMIT 1""", PIPELINE)).singleElement().satisfies(r -> assertThat(r.get("actor")).isEqualTo("nightshift"));
    }

    @Test
    @Order(5)
    void aReRunOfAnEarlierNightThatBreachesDoesNotRetrainOverALaterNight() {
        // the pre-drift v1 champion again: its AUC on the drifted, labelled N4 breaches the floor
        registry.promote(PIPELINE, registry.find(PIPELINE, 1).orElseThrow(), "test", "backfill guard scenario");
        int versions = registry.list(PIPELINE).size();

        RunRecord earlier = night(N4, true, false);      // N5 has already completed

        Map<String, Object> d = decision(earlier);
        assertThat(d.get("outcome")).as(d.toString()).isEqualTo("no_decision");
        assertThat((String) d.get("reasons")).contains("\"status\": \"breached\"",
                "not acted on: night " + N5 + " has already run, and an earlier night never retrains");
        assertThat(d.get("candidate")).isNull();
        assertThat(registry.list(PIPELINE)).hasSize(versions);
        assertThat(champion()).isEqualTo(1);
    }

    @Test
    @Order(6)
    void aModelImportedFromANotebookFolderIsGatedAgainstTheChampionAndWaitsAsChallenger() {
        // a saved PipelineModel folder, as a notebook leaves it: v2's artifact (trained after the drift), champion v1 (before it)
        String notebook = registry.find(PIPELINE, 2).orElseThrow().artifactUri();
        int champion = champion();

        ModelImportService.Imported r = imports.importModel(PIPELINE, notebook, N5, "data-scientist", "notebook handoff");

        assertThat(r.action()).as(r.explanation()).isEqualTo("challenger");
        assertThat(r.gate().passed()).isTrue();
        assertThat(r.explanation()).contains("candidate v" + r.version().version(), "champion v" + champion);
        assertThat(r.version().source()).isEqualTo("imported");
        assertThat(registry.challenger(PIPELINE).orElseThrow().version()).isEqualTo(r.version().version());
        assertThat(champion()).as("an import never replaces the champion by itself").isEqualTo(champion);
        assertThat(jdbc.sql("""
                        SELECT after ->> 'action' FROM audit_log WHERE action = 'model.import' AND target = ? AND actor = 'data-scientist'""")
                .param("pipeline:" + PIPELINE).query(String.class).list()).containsExactly("challenger");
    }

    @Autowired dev.nightshift.database.DatabaseConfiguration.OwnerEndpoint owner;

    /** An analytics query as the analyst role (the application's role cannot read analytics; the owner's login may SET ROLE). */
    private List<Map<String, Object>> asAnalyst(String sql, Object... params) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(owner.endpoint().url(), owner.endpoint().user(),
                owner.endpoint().password())) {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("SET ROLE nightshift_analyst");
            }
            return JdbcClient.create(new org.springframework.jdbc.datasource.SingleConnectionDataSource(c, true)).sql(sql).params(params)
                    .query().listOfRows();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("analyst query failed: " + sql, e);
        }
    }
}
