package dev.nightshift.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.IntegrationTest;
import dev.nightshift.StagingTables;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.spark.SparkApplication;
import dev.nightshift.spark.SparkSubmitter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One pipeline through several nights on real Spark and PostgreSQL: bootstrap training, scoring, refusals,
 * an explicit re-run, a corrupted model that fails a night without touching earlier ones, and the restart.
 * The methods build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyRunIT extends IntegrationTest {
    static final String PIPELINE = "churn-it";
    static final int ENTITIES = 300;
    static final LocalDate D1 = LocalDate.of(2026, 11, 1);
    static final LocalDate D2 = D1.plusDays(1);
    static final LocalDate D3 = D1.plusDays(2);
    static final LocalDate D4 = D1.plusDays(3);

    @Autowired RunService runService;
    @Autowired PipelineService pipelines;
    @Autowired ModelRegistry registry;
    @Autowired SparkSubmitter submitter;
    @Autowired NightlyService nightly;
    @Autowired JdbcClient jdbc;
    @Autowired InstanceRegistry instance;
    @Autowired dev.nightshift.backfill.BackfillService backfill;
    @Autowired RunLogFiles logFiles;
    @Autowired RunRepository runRepository;
    @Autowired javax.sql.DataSource dataSource;
    @Autowired dev.nightshift.ops.PipelineGauges gauges;
    @Autowired io.micrometer.core.instrument.MeterRegistry meters;

    @BeforeAll
    void generateDataAndApplySpec() throws IOException {
        submitter.submit(new SparkApplication("generate-it", GenerateDataArgs.JOB_CLASS,
                new GenerateDataArgs("churn", nightly.warehouse(), D1.minusDays(40), D4, ENTITIES, 11, null, 0, 0, 7).toArgs(),
                Duration.ofMinutes(5)));
        Path spec = HOME.resolve("churn-it.yml");
        Files.writeString(spec, dev.nightshift.TestSpecs.churnScoringOnly(Path.of("../config/pipelines/churn.yml"), PIPELINE)
                .replace("algorithm: gbt-classifier", "algorithm: logistic-regression")
                .replace("params: { maxDepth: 4, maxIter: 20, stepSize: 0.1 }", "params: { maxIter: 20 }"));
        pipelines.apply(spec, "test");
    }

    @Test
    @Order(1)
    void theFirstNightTrainsAChampionScoresEveryEntityOnceAndLandsInPostgres() throws IOException {
        // housekeeping at the start of a run: log files not written to for the retention (90 days by default) go
        Path expired = plantRunLog(1_000_000, Duration.ofDays(91));
        Path kept = plantRunLog(1_000_001, Duration.ofDays(89));

        RunRecord run = runService.run(new RunRequest(PIPELINE, D1, RunTrigger.CLI, false, "test"));

        assertThat(expired).doesNotExist();
        assertThat(kept).exists();

        assertThat(run.status()).as(run.error()).isEqualTo("COMPLETED");
        assertThat(run.rowsScored()).isEqualTo(ENTITIES);
        ModelVersion champion = registry.champion(PIPELINE).orElseThrow();
        assertThat(champion.version()).isEqualTo(1);
        assertThat(champion.createdByRun()).isEqualTo(run.id());
        assertThat(champion.artifactSha256()).matches("[0-9a-f]{64}");
        assertThat(run.modelVersionId()).isEqualTo(champion.id());
        assertOnePredictionPerEntity(D1);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'alias.set' AND target = ?")
                .param("pipeline:" + PIPELINE + "@champion").query(Long.class).single()).isEqualTo(1);
        assertThat(stepRuns(run)).containsExactly(Map.entry("champion", "COMPLETED"), Map.entry("score", "COMPLETED"),
                Map.entry("decide", "COMPLETED"));
        // the spec monitors nothing yet: nothing evaluated, no drift measured, nothing to decide on
        assertThat(jdbc.sql("SELECT outcome FROM decisions WHERE run_id = ?").param(run.id()).query(String.class).single())
                .isEqualTo("no_decision");
        assertThat(jdbc.sql("SELECT count(*) FROM model_metrics WHERE run_id = ?").param(run.id()).query(Long.class).single()).isZero();
    }

    private Path plantRunLog(long runId, Duration age) throws IOException {
        Path file = logFiles.file(runId);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "a run of long ago\n");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(age)));
        return file;
    }

    @Test
    @Order(2)
    void aCompletedDateIsRefusedUnlessReRunExplicitlyWhichReplacesItsRows() {
        assertThatThrownBy(() -> runService.run(new RunRequest(PIPELINE, D1, RunTrigger.CLI, false, "test")))
                .isInstanceOf(RunRefusedException.class)
                .hasMessageContaining("already completed").hasMessageContaining("--rerun");

        RunRecord rerun = runService.run(new RunRequest(PIPELINE, D1, RunTrigger.CLI, true, "test"));

        assertThat(rerun.status()).as(rerun.error()).isEqualTo("COMPLETED");
        assertThat(rerun.attempt()).isEqualTo(1);
        assertOnePredictionPerEntity(D1);
        assertThat(jdbc.sql("SELECT DISTINCT run_id FROM predictions WHERE pipeline = ? AND business_date = ?")
                .params(PIPELINE, D1).query(Long.class).list()).containsExactly(rerun.id());
        assertThat(registry.list(PIPELINE)).hasSize(1); // the champion is reused, not retrained
    }

    @Test
    @Order(3)
    void aSecondActiveRunOfTheSameDateIsRefused() {
        // given a run of D2 owned by a live orchestrator (this one)
        long active = jdbc.sql("INSERT INTO runs (pipeline, business_date, spec_version, trigger, status, owner) VALUES (?, ?, 1, 'cli', 'RUNNING', ?) RETURNING id")
                .params(PIPELINE, D2, instance.id()).query(Long.class).single();
        try {
            assertThatThrownBy(() -> runService.run(new RunRequest(PIPELINE, D2, RunTrigger.CLI, false, "test")))
                    .isInstanceOf(RunRefusedException.class).hasMessageContaining("already active").hasMessageContaining("run " + active);
            // The database refuses it too, even if a caller skipped the check.
            assertThatThrownBy(() -> jdbc.sql("INSERT INTO runs (pipeline, business_date, spec_version, trigger, status) VALUES (?, ?, 1, 'cli', 'RUNNING')")
                    .params(PIPELINE, D2).update()).hasMessageContaining("ux_runs_active");
        } finally {
            jdbc.sql("DELETE FROM runs WHERE id = ?").param(active).update();
        }
    }

    @Test
    @Order(4)
    void aCorruptedModelFailsTheNightLeavesEarlierNightsIntactAndARestartResumesAtTheFailedStep() throws IOException {
        ModelVersion champion = registry.champion(PIPELINE).orElseThrow();
        Path victim = someModelFile(champion);
        byte[] original = Files.readAllBytes(victim);
        byte[] tampered = original.clone();
        tampered[0] ^= 0x01; // same size, different content: only the checksum can tell
        Files.write(victim, tampered);
        RunRecord failed;
        try {
            failed = runService.run(new RunRequest(PIPELINE, D2, RunTrigger.CLI, false, "test"));
        } finally {
            Files.write(victim, original);
        }

        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.error()).contains("sha256 mismatch").contains(victim.getFileName().toString()).contains("refusing to load");
        // and the refusal is alerted on as a tampered artifact, not only as a failed run
        assertThat(jdbc.sql("SELECT kind FROM alerts WHERE pipeline = ? AND business_date = ? AND severity = 'critical' ORDER BY kind")
                .params(PIPELINE, D2).query(String.class).list()).containsExactly("artifact_tampered", "run_failed");
        assertOnePredictionPerEntity(D1);
        assertThat(predictionCount(D2)).isZero();

        RunRecord restarted = runService.run(new RunRequest(PIPELINE, D2, RunTrigger.CLI, false, "test"));

        assertThat(restarted.status()).as(restarted.error()).isEqualTo("COMPLETED");
        assertThat(restarted.jobExecutionId()).isNotEqualTo(failed.jobExecutionId());
        assertThat(restarted.attempt()).isEqualTo(failed.attempt()); // same job instance, resumed
        assertThat(stepRuns(failed)).containsExactly(Map.entry("champion", "COMPLETED"), Map.entry("score", "FAILED"));
        assertThat(stepRuns(restarted)).containsExactly(Map.entry("score", "COMPLETED"), Map.entry("decide", "COMPLETED"));
        assertOnePredictionPerEntity(D2);
    }

    @Test
    @Order(5)
    void aDateWithNoInputRowsFailsNamingTheDate() {
        LocalDate empty = LocalDate.of(2030, 1, 1);

        RunRecord run = runService.run(new RunRequest(PIPELINE, empty, RunTrigger.CLI, false, "test"));

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.error()).contains("2030-01-01").containsIgnoringCase("no input rows");
        assertThat(predictionCount(D1) + predictionCount(D2)).isEqualTo(2L * ENTITIES);
    }

    @Test
    @Order(6)
    void aRunLeftRunningByAnOrchestratorThatStoppedHeartbeatingIsMarkedFailedAndTheDateRuns() throws java.sql.SQLException {
        // given a RUNNING run of D3 whose owner last heartbeated ten minutes ago (lease: 60 s), killed while landing:
        // its staging tables hold the rows it had COPYed
        jdbc.sql("INSERT INTO instances (id, host, pid, started_at, heartbeat_at) VALUES ('gone-host:1:dead', 'gone-host', 1, now() - interval '1 hour', now() - interval '10 minutes')").update();
        long stale = jdbc.sql("INSERT INTO runs (pipeline, business_date, spec_version, trigger, status, owner) VALUES (?, ?, 1, 'schedule', 'RUNNING', 'gone-host:1:dead') RETURNING id")
                .params(PIPELINE, D3).query(Long.class).single();
        String staleStage = StagingTables.leftover(jdbc, PIPELINE, D3, stale, "C0000001");
        // and an earlier FAILED run's staging table that a job still holds (an orphan COPYing into it)
        long orphaned = jdbc.sql("INSERT INTO runs (pipeline, business_date, spec_version, trigger, status) VALUES (?, ?, 1, 'cli', 'FAILED') RETURNING id")
                .params(PIPELINE, D3).query(Long.class).single();
        String orphanStage = StagingTables.leftover(jdbc, PIPELINE, D3, orphaned, "C0000001");

        RunRecord run;
        long holderPid;
        try (java.sql.Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE " + orphanStage + " IN ROW EXCLUSIVE MODE");
            try (java.sql.ResultSet pid = holder.createStatement().executeQuery("SELECT pg_backend_pid()")) {
                pid.next();
                holderPid = pid.getLong(1);
            }
            run = runService.run(new RunRequest(PIPELINE, D3, RunTrigger.CLI, false, "test"));
            holder.rollback();
        }

        assertThat(run.status()).as(run.error()).isEqualTo("COMPLETED");
        // the night that landed dropped the killed run's staging tables, and left the locked one without waiting for it
        assertThat(StagingTables.exists(jdbc, staleStage)).as(staleStage).isFalse();
        assertThat(StagingTables.exists(jdbc, staleStage + "_copied")).as(staleStage + "_copied").isFalse();
        assertThat(StagingTables.exists(jdbc, orphanStage)).as(orphanStage).isTrue();
        // and said so: a warning naming the run whose table is left and the server process holding it
        Map<String, Object> leftover = jdbc.sql("SELECT severity, group_key, title, detail::text AS detail FROM alerts"
                + " WHERE pipeline = ? AND business_date = ? AND kind = 'leftover_staging'").params(PIPELINE, D3).query().singleRow();
        assertThat(leftover.get("severity")).isEqualTo("warning");
        assertThat(leftover.get("group_key")).isEqualTo("staging");
        assertThat((String) leftover.get("title")).startsWith("a staging table of a killed landing remains")
                .contains("(run " + orphaned + ")", "run " + orphaned + "'s by pid " + holderPid + ")", "nightshift forget refuses to run");
        assertThat((String) leftover.get("detail")).contains("\"runId\": " + orphaned + ",", "\"table\": \"" + orphanStage + "\"",
                "\"lockedByPids\": \"" + holderPid + "\"").doesNotContain("\"runId\": " + stale + ",");
        // and the pipeline's gauge of leftover staging tables, refreshed after the run, counts it
        assertThat(leftoverGauge()).isEqualTo(1.0);
        // once released, the next caller drops it
        assertThat(runRepository.dropLeftoverStages(PIPELINE)).isEqualTo(new RunRepository.LeftoverStages(1, 0));
        assertThat(StagingTables.exists(jdbc, orphanStage)).as(orphanStage).isFalse();
        gauges.refresh();
        assertThat(leftoverGauge()).isZero();
        RunRecord marked = jdbc.sql("SELECT status, error FROM runs WHERE id = ?").param(stale)
                .query((rs, i) -> new RunRecord(stale, PIPELINE, D3, 1, 0, null, "schedule", rs.getString(1), null, null, null,
                        java.time.OffsetDateTime.now(), null, rs.getString(2))).single();
        assertThat(marked.status()).isEqualTo("FAILED");
        assertThat(marked.error()).contains("gone-host:1:dead").contains("longer ago than the lease");
        // its orchestrator never wrote the report; the one that marked it failed did
        assertThat(jdbc.sql("SELECT status FROM run_reports WHERE run_id = ?").param(stale).query(String.class).optional()).contains("WRITTEN");
        assertOnePredictionPerEntity(D3);
    }

    double leftoverGauge() {
        return meters.get("nightshift.staging.leftover").tag("pipeline", PIPELINE).gauge().value();
    }

    @Test
    @Order(7)
    void withMonitoringConfiguredANightEvaluatesLabelledNightsAndMeasuresDrift() throws IOException {
        // given spec v2: labels a day late, AUC monitored, drift measured
        Path spec = HOME.resolve("churn-it-v2.yml");
        Files.writeString(spec, Files.readString(HOME.resolve("churn-it.yml")).replace("lagDays: 2", "lagDays: 1") + """
                monitoring:
                  metrics: [ { metric: auc, min: 0.5 } ]
                  drift: { method: auto, maxDriftedShare: 1.0 }
                retraining: { onDrift: true }
                """);
        assertThat(pipelines.apply(spec, "test").version()).isEqualTo(2);

        RunRecord run = runService.run(new RunRequest(PIPELINE, D4, RunTrigger.CLI, false, "test"));

        assertThat(run.status()).as(run.error()).isEqualTo("COMPLETED");
        assertThat(stepRuns(run)).extracting(Map.Entry::getKey).containsExactly("champion", "score", "decide");
        // labels of D1..D3 are known by D4 (lag 1): each of those nights gets its AUC with a DeLong interval
        List<Map<String, Object>> auc = jdbc.sql("""
                        SELECT business_date, value, ci_low, ci_high, n, method FROM model_metrics
                        WHERE pipeline = ? AND metric = 'auc' ORDER BY business_date""").param(PIPELINE).query().listOfRows();
        assertThat(auc).extracting(r -> r.get("business_date").toString()).containsExactly(D1.toString(), D2.toString(), D3.toString());
        assertThat(auc).allSatisfy(r -> {
            assertThat((Double) r.get("value")).isBetween((Double) r.get("ci_low"), (Double) r.get("ci_high")).isGreaterThan(0.55);
            assertThat(r.get("method")).isEqualTo("delong");
            assertThat(((Number) r.get("n")).longValue()).isEqualTo(ENTITIES);
        });
        // drift of D4 against the champion's training profile: one chosen row per model feature, and the dataset share
        List<String> judged = jdbc.sql("SELECT feature FROM feature_drift WHERE pipeline = ? AND business_date = ? AND chosen ORDER BY feature")
                .params(PIPELINE, D4).query(String.class).list();
        assertThat(judged).contains("__dataset__", "__prediction__", "tenure_months", "monthly_charges", "plan", "region")
                .doesNotContain("email");
        // the decide step judged the champion on the latest labelled night (D3, 300 rows >= minSamples 100): AUC above 0.5
        Map<String, Object> decision = jdbc.sql("SELECT outcome, trigger, reasons::text AS reasons, action FROM decisions WHERE run_id = ?")
                .param(run.id()).query().singleRow();
        assertThat(decision.get("outcome")).isEqualTo("keep");
        assertThat(decision.get("trigger")).isEqualTo("none");
        assertThat(decision.get("action")).isNull();
        assertThat((String) decision.get("reasons")).contains("\"metric\": \"auc\"", "\"status\": \"ok\"", D3.toString());
        // onDrift reads the night's dataset drift; a share above 1.0 never happens, so it is reported, not acted on
        assertThat((String) decision.get("reasons")).contains("\"drift\": {", "\"drifted\": false", "\"maxShare\": 1.0");
    }

    @Test
    @Order(8)
    void aBackfillSkipsCompletedDatesRunsTheOthersInParallelAndReportsEachOutcome() {
        List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();

        List<dev.nightshift.backfill.BackfillService.DateOutcome> done = backfill.run(PIPELINE, D1, D4, 2, false, "test",
                o -> progress.add(o.date() + " " + o.outcome()));
        List<dev.nightshift.backfill.BackfillService.DateOutcome> missing = backfill.run(PIPELINE, LocalDate.of(2030, 1, 1),
                LocalDate.of(2030, 1, 2), 2, false, "test", o -> progress.add(o.date() + " " + o.outcome()));

        assertThat(done).extracting(o -> o.outcome()).containsOnly("SKIPPED");
        assertThat(done).extracting(o -> o.date()).containsExactly(D1, D2, D3, D4);
        // 2030-01-01 already failed once (no input) and is restarted; 2030-01-02 runs for the first time; both fail
        assertThat(missing).extracting(o -> o.outcome()).containsExactly("FAILED", "FAILED");
        assertThat(missing).allSatisfy(o -> assertThat(o.message()).containsIgnoringCase("no input rows"));
        assertThat(progress).hasSize(6);
    }


    private void assertOnePredictionPerEntity(LocalDate date) {
        Map<String, Object> counts = jdbc.sql("""
                        SELECT count(*) AS n, count(DISTINCT entity_id) AS ids FROM predictions WHERE pipeline = ? AND business_date = ?""")
                .params(PIPELINE, date).query().singleRow();
        assertThat(((Number) counts.get("n")).longValue()).isEqualTo(ENTITIES);
        assertThat(((Number) counts.get("ids")).longValue()).isEqualTo(ENTITIES);
    }

    private long predictionCount(LocalDate date) {
        return jdbc.sql("SELECT count(*) FROM predictions WHERE pipeline = ? AND business_date = ?").params(PIPELINE, date)
                .query(Long.class).single();
    }

    private List<Map.Entry<String, String>> stepRuns(RunRecord run) {
        return jdbc.sql("SELECT step_name, status FROM batch_step_execution WHERE job_execution_id = ? ORDER BY step_execution_id")
                .param(run.jobExecutionId())
                .query((rs, i) -> Map.entry(rs.getString(1), rs.getString(2))).list();
    }

    private static Path someModelFile(ModelVersion model) throws IOException {
        Path dir = Path.of(URI.create(model.artifactUri()));
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals("manifest.json"))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> p.toString().contains("metadata") && p.getFileName().toString().startsWith("part-"))
                    .filter(p -> p.toFile().length() > 0) // not _SUCCESS: a byte must be there to flip
                    .findFirst().orElseThrow(() -> new IllegalStateException("no model file under " + dir));
        }
    }
}
