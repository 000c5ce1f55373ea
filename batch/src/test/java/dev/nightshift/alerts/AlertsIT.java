package dev.nightshift.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.IntegrationTest;
import dev.nightshift.alerts.AlertRepository.Outcome;
import dev.nightshift.alerts.AlertRepository.Recorded;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.runs.RunStatusListener;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Alerts on a real PostgreSQL: grouping of consecutive nights, idempotent re-runs, the webhook (received, refused,
 * dead, hanging) and run_failed from a real failed job execution. Each test has a pipeline of its own.
 */
class AlertsIT extends IntegrationTest {
    private static final AtomicInteger PIPELINES = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate NIGHT1 = LocalDate.of(2031, 3, 1);

    @Autowired JdbcClient jdbc;
    @Autowired PipelineService pipelines;
    @Autowired AlertRepository alerts;
    @Autowired RunConditions conditions;
    @Autowired RunAlerts runAlerts;
    @Autowired RunStatusListener runStatusListener;
    @Autowired JobRepository jobRepository;
    @Autowired JobOperator jobOperator;
    @Autowired LateRuns lateRuns;

    private String pipeline;
    private int specVersion;
    private long modelVersionId;

    @BeforeEach
    void aPipelineOfItsOwn() throws Exception {
        pipeline = "test-alerts-" + PIPELINES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        String yaml = Files.readString(Path.of("../config/pipelines/churn.yml"))
                .replace("name: churn", "name: " + pipeline)
                .replaceAll("(?s)schedule:.*?\ninput:", "input:");
        Path file = Files.createTempFile(HOME, pipeline, ".yml");
        Files.writeString(file, yaml);
        specVersion = pipelines.apply(file, "test").version();
        modelVersionId = insertModelVersion();
    }

    @Test
    void theSameDriftOnConsecutiveNightsIsOneAlertAndAGapStartsANewOne() throws Exception {
        try (LocalWebhookReceiver receiver = LocalWebhookReceiver.start()) {
            AlertService service = new AlertService(alerts, new WebhookChannel(receiver.url(), Duration.ofSeconds(5), 0, Duration.ZERO));

            // given drift of the same two features on nights 1-3, none on night 4, again on night 5
            List<Recorded> raised = new ArrayList<>();
            for (int night : new int[] {0, 1, 2, 4}) {
                raised.addAll(service.raise(conditions.of(completedRunWithDrift(NIGHT1.plusDays(night), "plan", "tenure_months"))));
            }
            // and on night 2 a different check on its own
            raised.addAll(service.raise(List.of(condition(NIGHT1.plusDays(1), AlertKind.METRIC_BREACH, "metrics:auc"))));

            assertThat(raised).extracting(Recorded::outcome)
                    .containsExactly(Outcome.NEW, Outcome.GROUPED, Outcome.GROUPED, Outcome.NEW, Outcome.NEW);
            Alert episode = alerts.find(raised.get(0).alert().id()).orElseThrow();
            assertThat(episode.kind()).isEqualTo("drift");
            assertThat(episode.groupKey()).isEqualTo("features:plan,tenure_months");
            assertThat(episode.firstSeen()).isEqualTo(NIGHT1);
            assertThat(episode.lastSeen()).isEqualTo(NIGHT1.plusDays(2));
            assertThat(episode.occurrences()).isEqualTo(3);
            assertThat(episode.title()).contains("drift in 2 features against model v1").contains("plan (psi 0.310 > 0.200)");
            Alert afterGap = raised.get(3).alert();
            assertThat(afterGap.id()).isNotEqualTo(episode.id());
            assertThat(afterGap.firstSeen()).isEqualTo(NIGHT1.plusDays(4));
            assertThat(afterGap.occurrences()).isEqualTo(1);
            // then each new alert was delivered once; grouped nights were not re-sent
            assertThat(receiver.await(3, Duration.ofSeconds(5))).hasSize(3);
            assertThat(alertsOfPipeline()).hasSize(3);
        }
    }

    @Test
    void reRunningANightNeverCountsItTwice() {
        AlertService service = new AlertService(alerts, null);
        service.raise(conditions.of(completedRunWithDrift(NIGHT1, "plan")));
        RunConditions.FinishedRun night2 = completedRunWithDrift(NIGHT1.plusDays(1), "plan");
        service.raise(conditions.of(night2));

        // when night 2 is re-run (a new run, which replaced the night's drift rows) and night 1 is re-run too
        RunConditions.FinishedRun rerun2 = completedRunWithDrift(NIGHT1.plusDays(1), "plan");
        List<Recorded> again = new ArrayList<>(service.raise(conditions.of(rerun2)));
        again.addAll(service.raise(conditions.of(rerun2)));
        again.addAll(service.raise(conditions.of(completedRunWithDrift(NIGHT1, "plan"))));

        assertThat(again).extracting(Recorded::outcome).containsOnly(Outcome.ALREADY_COUNTED);
        List<Alert> all = alertsOfPipeline();
        assertThat(all).hasSize(1);
        assertThat(all.get(0).occurrences()).isEqualTo(2);
        assertThat(all.get(0).lastSeen()).isEqualTo(NIGHT1.plusDays(1));
        assertThat(all.get(0).runId()).as("the latest night's evidence is the re-run's").isEqualTo(rerun2.runId());
        assertThat(all.get(0).deliveryStatus()).isEqualTo("logged");
    }

    @Test
    void aBackfilledNightBeforeAnEpisodeExtendsIt() {
        AlertService service = new AlertService(alerts, null);
        service.raise(List.of(condition(NIGHT1.plusDays(1), AlertKind.DRIFT, "features:plan")));

        Recorded earlier = service.raise(List.of(condition(NIGHT1, AlertKind.DRIFT, "features:plan"))).get(0);

        assertThat(earlier.outcome()).isEqualTo(Outcome.GROUPED);
        assertThat(earlier.alert().firstSeen()).isEqualTo(NIGHT1);
        assertThat(earlier.alert().lastSeen()).isEqualTo(NIGHT1.plusDays(1));
        assertThat(earlier.alert().occurrences()).isEqualTo(2);
    }

    @Test
    void theWebhookReceivesSlackCompatibleJson() throws Exception {
        try (LocalWebhookReceiver receiver = LocalWebhookReceiver.start()) {
            AlertService service = new AlertService(alerts, new WebhookChannel(receiver.url(), Duration.ofSeconds(5), 2, Duration.ZERO));

            Alert alert = service.raise(conditions.of(completedRunWithDrift(NIGHT1, "plan"))).get(0).alert();

            List<String> payloads = receiver.await(1, Duration.ofSeconds(5));
            assertThat(payloads).hasSize(1);
            JsonNode message = JSON.readTree(payloads.get(0));
            assertThat(message.get("text").asText()).isEqualTo("[WARNING] " + pipeline + " " + NIGHT1 + ": " + alert.title());
            assertThat(message.get("blocks").get(0).get("type").asText()).isEqualTo("section");
            assertThat(message.get("blocks").get(1).get("elements").get(0).get("text").asText())
                    .contains("alert " + alert.id()).contains("kind `drift`");
            assertThat(alert.deliveryStatus()).isEqualTo("sent");
            assertThat(alert.attempts()).isEqualTo(1);
            assertThat(alert.sentAt()).isNotNull();
            assertThat(alert.lastError()).isNull();
        }
    }

    @Test
    void aDeadWebhookIsRetriedAndRecordedAsFailedWithoutFailingTheCaller() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        AlertService service = new AlertService(alerts,
                new WebhookChannel(URI.create("http://127.0.0.1:" + closedPort + "/hook"), Duration.ofSeconds(2), 2, Duration.ofMillis(10)));

        Alert alert = service.raise(List.of(condition(NIGHT1, AlertKind.DRIFT, "features:plan"))).get(0).alert();

        assertThat(alert.deliveryStatus()).isEqualTo("failed");
        assertThat(alert.attempts()).isEqualTo(3);
        assertThat(alert.lastError()).contains("ConnectException");
        assertThat(alert.sentAt()).isNull();
    }

    @Test
    void aHangingWebhookTimesOutAndIsRecordedAsFailed() throws Exception {
        // accepts connections (the kernel's backlog does) but never answers
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            AlertService service = new AlertService(alerts, new WebhookChannel(
                    URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/hook"), Duration.ofMillis(300), 1, Duration.ofMillis(10)));

            Alert alert = service.raise(List.of(condition(NIGHT1, AlertKind.DRIFT, "features:plan"))).get(0).alert();

            assertThat(alert.deliveryStatus()).isEqualTo("failed");
            assertThat(alert.attempts()).isEqualTo(2);
            assertThat(alert.lastError()).isEqualTo("timed out after 300 ms");
        }
    }

    @Test
    void serverErrorsAreRetriedButARefusedRequestIsNot() throws Exception {
        try (LocalWebhookReceiver broken = LocalWebhookReceiver.answering(503);
             LocalWebhookReceiver refusing = LocalWebhookReceiver.answering(404)) {
            Alert retried = new AlertService(alerts, new WebhookChannel(broken.url(), Duration.ofSeconds(2), 2, Duration.ofMillis(10)))
                    .raise(List.of(condition(NIGHT1, AlertKind.DRIFT, "features:plan"))).get(0).alert();
            Alert notRetried = new AlertService(alerts, new WebhookChannel(refusing.url(), Duration.ofSeconds(2), 2, Duration.ofMillis(10)))
                    .raise(List.of(condition(NIGHT1, AlertKind.DRIFT, "features:region"))).get(0).alert();

            assertThat(retried.attempts()).isEqualTo(3);
            assertThat(retried.lastError()).isEqualTo("HTTP 503: refused");
            assertThat(broken.payloads()).hasSize(3);
            assertThat(notRetried.attempts()).isEqualTo(1);
            assertThat(notRetried.lastError()).isEqualTo("HTTP 404: refused");
            assertThat(refusing.payloads()).hasSize(1);
        }
    }

    @Test
    void aFailedRunRaisesRunFailedWithItsErrorAfterTheRunsRowIsFinished() throws Exception {
        // given a job wired like the nightly one, whose step fails (alerts listener registered first on purpose)
        Job job = new JobBuilder("alerts-it-" + pipeline, jobRepository)
                .listener(runAlerts)
                .listener(runStatusListener)
                .start(new StepBuilder("load", jobRepository).tasklet((contribution, chunk) -> {
                    throw new IllegalStateException("no input rows for " + contribution.getStepExecution().getJobExecution()
                            .getJobParameters().getLocalDate("businessDate"));
                }, new ResourcelessTransactionManager()).build())
                .build();

        JobExecution night1 = jobOperator.start(job, params(NIGHT1, insertRun(NIGHT1, "RUNNING")));
        JobExecution night2 = jobOperator.start(job, params(NIGHT1.plusDays(1), insertRun(NIGHT1.plusDays(1), "RUNNING")));

        assertThat(night1.getStatus()).isEqualTo(BatchStatus.FAILED);
        long runId = night1.getJobParameters().getLong("runId");
        String runStatus = jdbc.sql("SELECT status FROM runs WHERE id = ?").param(runId).query(String.class).single();
        String runError = jdbc.sql("SELECT error FROM runs WHERE id = ?").param(runId).query(String.class).single();
        assertThat(runStatus).isEqualTo("FAILED");
        assertThat(runError).isEqualTo("no input rows for " + NIGHT1);
        List<Alert> raised = alertsOfPipeline();
        assertThat(raised).hasSize(1);
        Alert failed = raised.get(0);
        assertThat(failed.kind()).isEqualTo("run_failed");
        assertThat(failed.severity()).isEqualTo("critical");
        assertThat(failed.groupKey()).isEqualTo("step:load");
        assertThat(failed.title()).isEqualTo("run " + runId + " failed at step load: " + runError);
        assertThat(failed.occurrences()).as("night 2 failed at the same step").isEqualTo(2);
        assertThat(failed.detail()).as("the latest night's evidence").containsEntry("step", "load")
                .containsEntry("error", "no input rows for " + NIGHT1.plusDays(1));
        assertThat(failed.runId()).isEqualTo(night2.getJobParameters().getLong("runId"));
        assertThat(failed.deliveryStatus()).isEqualTo("logged");
        // and raising the same execution again counts nothing
        assertThat(runAlerts.raise(night2)).extracting(Recorded::outcome).containsExactly(Outcome.ALREADY_COUNTED);
    }

    @Test
    void decisionsAndDataQualityOfARunBecomeItsConditions() {
        RunConditions.FinishedRun run = completedRunWithDrift(NIGHT1);
        long candidate = insertModelVersion();
        jdbc.sql("""
                        INSERT INTO decisions (run_id, pipeline, business_date, model_version_id, outcome, trigger, reasons,
                                               candidate_model_version_id, action, gate)
                        VALUES (?, ?, ?, ?, 'retrain', 'policy', ?::jsonb, ?, 'rejected', '{"passed": false}'::jsonb)""")
                .params(run.runId(), pipeline, NIGHT1, modelVersionId, """
                        {"summary": "breached: auc, brier", "metrics": [
                          {"metric": "auc", "status": "breached"}, {"metric": "brier", "status": "breached"},
                          {"metric": "f1", "status": "ok"}]}""", candidate)
                .update();
        jdbc.sql("""
                        INSERT INTO data_quality (pipeline, business_date, run_id, model_version_id, check_name, column_name, value,
                                                  threshold, passed, failing_rows, detail, checked_at)
                        VALUES (?, ?, ?, ?, 'null', 'plan', 0.2, 0.01, false, 200, '{"rows": 1000}', now()),
                               (?, ?, ?, ?, 'out_of_range', 'tenure_months', 0, 0, true, 0, null, now())""")
                .params(pipeline, NIGHT1, run.runId(), modelVersionId, pipeline, NIGHT1, run.runId(), modelVersionId).update();

        List<Condition> found = conditions.of(run);

        assertThat(found).extracting(c -> c.kind() + " " + c.groupKey() + " " + c.severity()).containsExactly(
                "DATA_QUALITY_FAILED check:null:plan WARNING",
                "METRIC_BREACH metrics:auc,brier WARNING",
                "RETRAIN_DECISION trigger:policy INFO",
                "PROMOTION candidate:2:rejected WARNING");
        assertThat(found).extracting(Condition::title).containsExactly(
                "data quality check null on plan failed: 0.200 against 0.0100, 200 failing rows",
                "metric breach of model v1: auc, brier",
                "retraining decided (trigger: policy) of model v1",
                "candidate v2 was rejected by the promotion gate");
        assertThat(found.get(0).detail()).containsEntry("failingRows", 200L).containsEntry("detail", Map.of("rows", 1000));
    }

    @Test
    void aCompletedRunWithoutADecisionOrFailedChecksRaisesNothing() {
        assertThat(conditions.of(completedRunWithDrift(NIGHT1))).isEmpty();
    }

    @Test
    void aNightNotCompletedByTheSpecsDeadlineIsLate() throws Exception {
        String scheduled = pipeline + "-late";
        Path file = Files.createTempFile(HOME, scheduled, ".yml");
        Files.writeString(file, Files.readString(Path.of("../config/pipelines/churn.yml")).replace("name: churn", "name: " + scheduled)
                .replace("timezone: Europe/Berlin", "timezone: Europe/Berlin\n  deadline: \"06:00\""));
        int version = pipelines.apply(file, "test").version();
        jdbc.sql("UPDATE pipelines SET created_at = '2031-01-01T00:00Z' WHERE name = ?").param(scheduled).update();
        try {
            // before the pipeline existed nothing is late; at 07:00 Berlin on 2 March, the night of 1 March (no run) is
            List<Recorded> beforeItExisted = lateOf(scheduled, Instant.parse("2030-06-02T05:00:00Z"));
            List<Recorded> late = lateOf(scheduled, Instant.parse("2031-03-02T06:00:00Z"));
            List<Recorded> checkedAgain = lateOf(scheduled, Instant.parse("2031-03-02T07:00:00Z"));
            // the night of 2 March completed; the night of 3 March is still running at its deadline
            insertRun(scheduled, version, LocalDate.of(2031, 3, 2), "COMPLETED");
            List<Recorded> onTime = lateOf(scheduled, Instant.parse("2031-03-03T06:00:00Z"));
            long running = insertRun(scheduled, version, LocalDate.of(2031, 3, 3), "RUNNING");
            List<Recorded> stillRunning = lateOf(scheduled, Instant.parse("2031-03-04T06:00:00Z"));

            assertThat(beforeItExisted).isEmpty();
            assertThat(late).hasSize(1);
            Alert first = late.get(0).alert();
            assertThat(first.kind()).isEqualTo("run_late");
            assertThat(first.businessDate()).isEqualTo(LocalDate.of(2031, 3, 1));
            assertThat(first.title()).isEqualTo("night 2031-03-01 not completed by 06:00 Europe/Berlin: no run started");
            assertThat(checkedAgain).extracting(Recorded::outcome).containsExactly(Outcome.ALREADY_COUNTED);
            assertThat(onTime).isEmpty();
            assertThat(stillRunning).extracting(Recorded::outcome).containsExactly(Outcome.NEW);
            assertThat(stillRunning.get(0).alert().runId()).isEqualTo(running);
            assertThat(stillRunning.get(0).alert().title()).contains("run " + running + " still running since");
        } finally {
            jdbc.sql("UPDATE runs SET status = 'FAILED' WHERE pipeline = ? AND status = 'RUNNING'").param(scheduled).update();
            jdbc.sql("UPDATE pipelines SET paused = true WHERE name = ?").param(scheduled).update();
        }
    }

    private List<Recorded> lateOf(String scheduled, Instant now) {
        return lateRuns.check(now).stream().filter(r -> r.alert().pipeline().equals(scheduled)).toList();
    }

    // ---- helpers: real rows, inserted with SQL ----

    private Condition condition(LocalDate date, AlertKind kind, String groupKey) {
        return new Condition(pipeline, date, null, kind, Severity.WARNING, groupKey, kind.dbValue() + " " + groupKey, Map.of());
    }

    /** A completed run of the night whose drift rows mark {@code drifted} features (psi 0.31 > 0.2) and one stable feature. */
    private RunConditions.FinishedRun completedRunWithDrift(LocalDate date, String... drifted) {
        long runId = insertRun(date, "COMPLETED");
        jdbc.sql("DELETE FROM feature_drift WHERE pipeline = ? AND business_date = ?").params(pipeline, date).update();
        for (String feature : drifted) {
            insertDrift(runId, date, feature, 0.31, true);
        }
        insertDrift(runId, date, "support_calls", 0.01, false);
        return new RunConditions.FinishedRun(runId, pipeline, date, false, null, null);
    }

    private void insertDrift(long runId, LocalDate date, String feature, double psi, boolean drifted) {
        jdbc.sql("""
                        INSERT INTO feature_drift (run_id, pipeline, business_date, model_version_id, feature, feature_type, method, chosen,
                                                   statistic, threshold, drifted, n_current, n_reference, computed_at)
                        VALUES (?, ?, ?, ?, ?, 'numeric', 'psi', true, ?, 0.2, ?, 5000, 20000, now())""")
                .params(runId, pipeline, date, modelVersionId, feature, psi, drifted).update();
        // a transparency row that drifted by its default threshold does not count
        jdbc.sql("""
                        INSERT INTO feature_drift (run_id, pipeline, business_date, model_version_id, feature, feature_type, method, chosen,
                                                   statistic, p_value, threshold, drifted, n_current, n_reference, computed_at)
                        VALUES (?, ?, ?, ?, ?, 'numeric', 'ks', false, 0.05, 0.001, 0.05, true, 5000, 20000, now())""")
                .params(runId, pipeline, date, modelVersionId, feature).update();
    }

    private long insertRun(LocalDate date, String status) {
        return insertRun(pipeline, specVersion, date, status);
    }

    private long insertRun(String pipeline, int specVersion, LocalDate date, String status) {
        return jdbc.sql("""
                        INSERT INTO runs (pipeline, business_date, spec_version, trigger, status, finished_at)
                        VALUES (?, ?, ?, 'cli', ?, CASE WHEN ? = 'RUNNING' THEN NULL ELSE now() END) RETURNING id""")
                .params(pipeline, date, specVersion, status, status).query(Long.class).single();
    }

    private long insertModelVersion() {
        int version = jdbc.sql("SELECT coalesce(max(version), 0) + 1 FROM model_versions WHERE pipeline = ?").param(pipeline)
                .query(Integer.class).single();
        return jdbc.sql("""
                        INSERT INTO model_versions (pipeline, version, spec_version, task, algorithm, artifact_uri, artifact_sha256, params,
                                                    seed, features, training_from, training_to, training_rows, holdout_from, holdout_to,
                                                    holdout_rows, holdout_metrics, spark_version, java_version, nightshift_version)
                        VALUES (?, ?, ?, 'binary-classification', 'gbt-classifier', 'file:///nowhere', repeat('a', 64), '{}', 42, '[]',
                                '2031-01-01', '2031-01-28', 1000, '2031-01-22', '2031-01-28', 200, '{}', '4.2.0', '17', 'test')
                        RETURNING id""")
                .params(pipeline, version, specVersion).query(Long.class).single();
    }

    private JobParameters params(LocalDate date, long runId) {
        return new JobParametersBuilder()
                .addString("pipeline", pipeline)
                .addLocalDate("businessDate", date)
                .addLong("attempt", 0L)
                .addLong("runId", runId, false)
                .addLong("specVersion", (long) specVersion, false)
                .toJobParameters();
    }

    private List<Alert> alertsOfPipeline() {
        return alerts.list(pipeline, 0, 100);
    }
}
