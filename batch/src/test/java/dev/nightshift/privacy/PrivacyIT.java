package dev.nightshift.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.IntegrationTest;
import dev.nightshift.StagingTables;
import dev.nightshift.alerts.RunAlerts;
import dev.nightshift.contract.JobEnvironment;
import dev.nightshift.contract.Pseudonyms;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.runs.RunRefusedException;
import dev.nightshift.runs.RunStatusListener;
import dev.nightshift.spark.SparkJobFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Privacy on the orchestrator, real PostgreSQL and a real ForgetJob child JVM: {@code forget} erases an entity's
 * PostgreSQL predictions on every date, drops the staging tables a killed night of the pipeline left behind, completes
 * its erasure row and audits the counts without the id; a leftover still locked by a job refuses it before its Spark job,
 * or, found in its final transaction, fails it with nothing of that transaction kept; it is refused
 * while a run is active and fails clearly for a pseudonymizing pipeline without a key. A run that failed because a Spark
 * job refused a tampered artifact raises an {@code artifact_tampered} alert besides {@code run_failed}.
 */
class PrivacyIT extends IntegrationTest {
    private static final AtomicInteger PIPELINES = new AtomicInteger();
    private static final LocalDate D1 = LocalDate.of(2032, 5, 1);

    @Autowired JdbcClient jdbc;
    @Autowired PipelineService pipelines;
    @Autowired ForgetService forget;
    @Autowired RunAlerts runAlerts;
    @Autowired RunStatusListener runStatusListener;
    @Autowired JobRepository jobRepository;
    @Autowired JobOperator jobOperator;
    @Autowired javax.sql.DataSource dataSource;

    @Test
    void forgetErasesAnEntityOnEveryDateAndAuditsTheCountNotTheId() throws Exception {
        // given a pipeline with predictions of two entities on two nights (in two months)
        String pipeline = applyChurn("");
        long run = insertRun(pipeline, D1, "COMPLETED");
        for (LocalDate date : List.of(D1, D1.plusMonths(1))) {
            for (String id : List.of("C0000042", "C0000043")) {
                insertPrediction(pipeline, date, id, run);
            }
        }

        // and the staging tables of a night killed before its publication (its rows, the erased entity's among them),
        // beside those of another pipeline's killed night
        long killed = insertRun(pipeline, D1.plusDays(1), "FAILED");
        String stage = StagingTables.leftover(jdbc, pipeline, D1.plusDays(1), killed, "C0000042", "C0000043");
        String other = applyChurn("");
        long otherKilled = insertRun(other, D1, "FAILED");
        String otherStage = StagingTables.leftover(jdbc, other, D1, otherKilled, "C0000042");

        // when C0000042 is forgotten while a job still holds the killed night's staging table (an orphan COPYing)
        try (java.sql.Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE " + stage + " IN ROW EXCLUSIVE MODE");
            assertThatThrownBy(() -> forget.forget(pipeline, List.of("C0000042"), "cli:tester"))
                    .isInstanceOf(RunRefusedException.class).hasMessageContaining("locked by a job still running")
                    .hasMessageContaining(pipeline);
            holder.rollback();
        }
        // then it was refused before doing anything: it could not vouch for rows it could not drop
        assertThat(jdbc.sql("SELECT count(*) FROM erasures WHERE pipeline = ?").param(pipeline).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM predictions WHERE pipeline = ?").param(pipeline).query(Long.class).single()).isEqualTo(4);
        assertThat(StagingTables.exists(jdbc, stage)).as(stage).isTrue();

        // when C0000042 is forgotten again, and while its Spark job runs a night killed since leaves a staging table that
        // a job still holds
        long killedSince = insertRun(pipeline, D1.plusDays(2), "FAILED");
        String since;
        java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection holder = dataSource.getConnection()) {
            java.util.concurrent.Future<ForgetService.Erasure> attempt =
                    background.submit(() -> forget.forget(pipeline, List.of("C0000042"), "cli:tester"));
            long deadline = System.nanoTime() + java.time.Duration.ofMinutes(2).toNanos();
            while (jdbc.sql("SELECT count(*) FROM erasures WHERE pipeline = ? AND status = 'RUNNING'").param(pipeline)
                    .query(Long.class).single() == 0) {
                assertThat(attempt.isDone()).as("the erasure finished before its row was seen RUNNING").isFalse();
                assertThat(System.nanoTime()).as("the erasure's row").isLessThan(deadline);
                Thread.sleep(20);
            }
            since = StagingTables.leftover(jdbc, pipeline, D1.plusDays(2), killedSince, "C0000042");
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE " + since + " IN ROW EXCLUSIVE MODE");
            // then the erasure fails in its final transaction, which rolls back: it vouches for nothing it could not drop
            assertThatThrownBy(() -> attempt.get(5, java.util.concurrent.TimeUnit.MINUTES))
                    .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("locked by a job still running")
                    .hasMessageContaining(pipeline);
            holder.rollback();
        } finally {
            background.shutdownNow();
        }
        Map<String, Object> failed = jdbc.sql("SELECT status, error FROM erasures WHERE pipeline = ?").param(pipeline).query().singleRow();
        assertThat(failed.get("status")).isEqualTo("FAILED");
        assertThat((String) failed.get("error")).contains("locked by a job still running");
        assertThat(jdbc.sql("SELECT count(*) FROM predictions WHERE pipeline = ?").param(pipeline).query(Long.class).single()).isEqualTo(4);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE target = ? AND action = 'privacy.forget'").param("pipeline:" + pipeline)
                .query(Long.class).single()).isZero();
        assertThat(StagingTables.exists(jdbc, since)).as(since).isTrue();
        // (the unlocked leftover went before the job, outside that transaction)
        assertThat(StagingTables.exists(jdbc, stage)).as(stage).isFalse();

        // when C0000042 is forgotten again, nothing holding the tables
        ForgetService.Erasure erasure = forget.forget(pipeline, List.of("C0000042"), "cli:tester");

        // then its rows are gone on both dates and the other entity's stay
        assertThat(erasure.postgresRows()).isEqualTo(2);
        assertThat(erasure.deltaRows()).containsOnly(Map.entry("predictions", 0L), Map.entry("shadow", 0L), Map.entry("quarantine", 0L));
        assertThat(jdbc.sql("SELECT entity_id FROM predictions WHERE pipeline = ? ORDER BY 1").param(pipeline).query(String.class).list())
                .containsExactly("C0000043", "C0000043");
        // and the killed nights' staging tables are gone, the other pipeline's are not
        for (String table : List.of(stage, stage + "_copied", since, since + "_copied")) {
            assertThat(StagingTables.exists(jdbc, table)).as(table).isFalse();
        }
        assertThat(StagingTables.exists(jdbc, otherStage)).as(otherStage).isTrue();
        assertThat(StagingTables.exists(jdbc, otherStage + "_copied")).as(otherStage + "_copied").isTrue();
        // and the erasure is recorded and audited with counts, never the id
        Map<String, Object> row = jdbc.sql("SELECT status, entities, postgres_rows, vacuum_retention_hours, actor FROM erasures WHERE id = ?")
                .param(erasure.id()).query().singleRow();
        assertThat(row).containsEntry("status", "COMPLETED").containsEntry("entities", 1).containsEntry("postgres_rows", 2L)
                .containsEntry("vacuum_retention_hours", 0).containsEntry("actor", "cli:tester");
        Map<String, Object> audit = jdbc.sql("SELECT actor, action, after::text AS after FROM audit_log WHERE target = ? AND action = 'privacy.forget'")
                .param("pipeline:" + pipeline).query().singleRow();
        assertThat(audit).containsEntry("actor", "cli:tester");
        assertThat((String) audit.get("after")).contains("\"entities\": 1").contains("\"postgresPredictionRows\": 2")
                .contains("\"leftoverStagingTables\": 1").doesNotContain("C0000042");
        assertThat(jdbc.sql("SELECT count(*) FROM erasures e WHERE e::text LIKE '%C0000042%'").query(Long.class).single()).isZero();
        jdbc.sql("SELECT count(*) FROM drop_predictions_stage(?)").param(otherKilled).query(Long.class).single();
    }

    @Test
    void forgetIsRefusedWhileARunIsActiveAndWithoutTheKeyOfAPseudonymizingPipeline() throws Exception {
        String running = applyChurn("");
        insertRun(running, D1, "RUNNING");
        assertThatThrownBy(() -> forget.forget(running, List.of("C0000042"), "cli:tester"))
                .isInstanceOf(RunRefusedException.class).hasMessageContaining("RUNNING");

        String pseudonymizing = applyChurn("privacy:\n  pseudonymizeIds: true\n");
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(JobEnvironment.PSEUDONYM_KEY) == null
                && System.getenv(JobEnvironment.PSEUDONYM_KEY_FILE) == null, "this JVM has a pseudonymization key");
        assertThatThrownBy(() -> forget.forget(pseudonymizing, List.of("C0000042"), "cli:tester"))
                .isInstanceOf(Pseudonyms.MissingKeyException.class)
                .hasMessageContaining("pipeline '" + pseudonymizing + "'").hasMessageContaining(JobEnvironment.PSEUDONYM_KEY_FILE);
        assertThat(jdbc.sql("SELECT count(*) FROM erasures WHERE pipeline IN (?, ?)").params(running, pseudonymizing).query(Long.class).single())
                .isZero();
    }

    @Test
    void aRunWhoseModelArtifactWasRefusedRaisesArtifactTampered() throws Exception {
        // given a nightly-like job whose score step fails as a Spark job refusing a changed artifact does
        String pipeline = applyChurn("");
        Job job = new JobBuilder("privacy-it-" + pipeline, jobRepository)
                .listener(runAlerts)
                .listener(runStatusListener)
                .start(new StepBuilder("score", jobRepository).tasklet((contribution, chunk) -> {
                    throw new SparkJobFailedException("score-" + pipeline, 1, false, "model v1 file part-00000.parquet: sha256 mismatch;"
                            + " refusing to load", List.of("dev.nightshift.registry.ArtifactIntegrityException"));
                }, new ResourcelessTransactionManager()).build())
                .build();
        long run = insertRun(pipeline, D1, "RUNNING");

        JobExecution execution = jobOperator.start(job, new JobParametersBuilder().addString("pipeline", pipeline)
                .addLocalDate("businessDate", D1).addLong("attempt", 0L).addLong("runId", run, false)
                .addLong("specVersion", 1L, false).toJobParameters());

        // then the run failed and two critical alerts were raised: the failure and the tampered artifact
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        List<Map<String, Object>> alerts = jdbc.sql("SELECT kind, severity, group_key, title FROM alerts WHERE pipeline = ? ORDER BY kind")
                .param(pipeline).query().listOfRows();
        assertThat(alerts).extracting(a -> a.get("kind")).containsExactly("artifact_tampered", "run_failed");
        assertThat(alerts.get(0)).containsEntry("severity", "critical").containsEntry("group_key", "artifact");
        assertThat((String) alerts.get(0).get("title")).contains("does not match its registered manifest").contains("sha256 mismatch");
    }

    private String applyChurn(String extraYaml) throws Exception {
        String pipeline = "test-privacy-" + PIPELINES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        String yaml = Files.readString(Path.of("../config/pipelines/churn.yml"))
                .replace("name: churn", "name: " + pipeline)
                .replaceAll("(?s)schedule:.*?\ninput:", "input:") + "\n" + extraYaml;
        Path file = Files.createTempFile(HOME, pipeline, ".yml");
        Files.writeString(file, yaml);
        pipelines.apply(file, "test");
        return pipeline;
    }

    private long insertRun(String pipeline, LocalDate date, String status) {
        return jdbc.sql("INSERT INTO runs (pipeline, business_date, spec_version, trigger, status) VALUES (?, ?, 1, 'cli', ?) RETURNING id")
                .params(pipeline, date, status).query(Long.class).single();
    }


    private void insertPrediction(String pipeline, LocalDate date, String id, long run) {
        jdbc.sql("SELECT ensure_predictions_partition(?, ?)").params(pipeline, date).query(String.class).single();
        jdbc.sql("INSERT INTO predictions (pipeline, business_date, entity_id, model_version_id, score, prediction, run_id, scored_at)"
                + " VALUES (?, ?, ?, 1, 0.5, 1, ?, now())").params(pipeline, date, id, run).update();
    }
}
