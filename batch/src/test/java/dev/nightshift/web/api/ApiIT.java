package dev.nightshift.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.IntegrationTest;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.runs.NightlyService;
import dev.nightshift.spark.SparkApplication;
import dev.nightshift.spark.SparkSubmitter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The HTTP side of `nightshift serve`: the JSON API (reads with paging, problem details, the mutating endpoints with
 * their 202 / 400 / 404 / 409 answers and audit entries), its OpenAPI document, health and Prometheus metrics. One test
 * runs a real night through the API (with JSON logs on, to check that the run's lines carry its id).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "logging.structured.format.console=ecs")
@ExtendWith(OutputCaptureExtension.class)
class ApiIT extends IntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort int port;
    @Autowired PipelineService pipelines;
    @Autowired dev.nightshift.security.ApiTokens tokens;
    @Autowired JdbcClient jdbc;
    @Autowired SparkSubmitter submitter;
    @Autowired NightlyService nightly;
    @Autowired @org.springframework.beans.factory.annotation.Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings;
    @Autowired dev.nightshift.ops.PipelineGauges gauges;
    @Autowired dev.nightshift.runs.InstanceRegistry instance;
    @Autowired dev.nightshift.runs.RunSummaries summaries;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void applyExamples() {
        pipelines.apply(Path.of("../config/pipelines/churn.yml"), "test");
        pipelines.apply(Path.of("../config/pipelines/demand.yml"), "test");
    }

    @Test
    void listsArePagedAsJson() throws Exception {
        HttpResponse<String> first = get("/api/pipelines?limit=1");
        HttpResponse<String> second = get("/api/pipelines?limit=1&offset=1");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("application/json"));
        assertThat(first.body()).contains("\"items\":[{\"name\":\"churn\"").contains("\"nextOffset\":1");
        String secondName = JSON.readTree(get("/api/pipelines").body()).path("items").get(1).path("name").asText();
        assertThat(JSON.readTree(second.body()).path("items").findValuesAsText("name")).containsExactly(secondName);
        assertThat(get("/api/runs?pipeline=churn").statusCode()).isEqualTo(200);
        for (String list : new String[] {"/api/pipelines/churn/metrics", "/api/pipelines/churn/segment-metrics", "/api/pipelines/churn/drift",
                "/api/pipelines/churn/data-quality", "/api/pipelines/churn/decisions", "/api/pipelines/churn/aliases",
                "/api/pipelines/churn/models"}) {
            HttpResponse<String> r = get(list + "?limit=3");
            assertThat(r.statusCode()).as(list + ": " + r.body()).isEqualTo(200);
            assertThat(r.body()).as(list).contains("\"items\":[").contains("\"limit\":3");
            assertThat(get(list.replace("churn", "nope")).statusCode()).as(list).isEqualTo(404);
        }
    }

    @Test
    void alertsArePagedAndFilteredByAKnownPipeline() throws Exception {
        HttpResponse<String> alerts = get("/api/alerts?pipeline=churn&limit=5");
        HttpResponse<String> unknown = get("/api/alerts?pipeline=nope");

        assertThat(alerts.statusCode()).as(alerts.body()).isEqualTo(200);
        assertThat(alerts.body()).contains("\"items\":[").contains("\"limit\":5");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(get("/api/alerts/999999").statusCode()).isEqualTo(404);
    }

    @Test
    void errorsAreProblemDetailsWithAMeaningfulStatus() throws Exception {
        HttpResponse<String> unknown = get("/api/pipelines/nope/models");
        HttpResponse<String> badLimit = get("/api/runs?limit=0");
        HttpResponse<String> noRun = get("/api/runs/999999");
        HttpResponse<String> badDate = get("/api/pipelines/churn/metrics?from=yesterday");
        HttpResponse<String> badStatus = get("/api/runs?status=SLEEPING");
        HttpResponse<String> badVersion = get("/api/pipelines/churn/models/latest");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("application/problem+json"));
        assertThat(unknown.body()).contains("\"title\":\"Unknown pipeline\"").contains("unknown pipeline 'nope'");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(badLimit.body()).contains("limit must be between 1 and 1000");
        assertThat(noRun.statusCode()).isEqualTo(404);
        assertThat(badDate.statusCode()).isEqualTo(400);
        assertThat(badDate.body()).contains("parameter 'from': expected a date YYYY-MM-DD, got 'yesterday'").contains("\"field\":\"from\"");
        assertThat(badStatus.statusCode()).isEqualTo(400);
        assertThat(badStatus.body()).contains("field 'status'");
        assertThat(badVersion.statusCode()).isEqualTo(400);
        assertThat(badVersion.body()).contains("field 'version'");
        assertThat(get("/api/pipelines/churn/models/v42").statusCode()).isEqualTo(404);
    }

    @Test
    void longOperationsValidateTheirInputBeforeStartingAnything() throws Exception {
        long runsBefore = jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single();
        HttpResponse<String> noDate = post("/api/pipelines/churn/runs", "{}");
        HttpResponse<String> badDate = post("/api/pipelines/churn/runs", "{\"businessDate\":\"2026-13-01\"}");
        HttpResponse<String> unknown = post("/api/pipelines/nope/runs", "{\"businessDate\":\"2026-11-01\"}");
        HttpResponse<String> backwards = post("/api/pipelines/churn/backfills", "{\"from\":\"2026-11-05\",\"to\":\"2026-11-01\"}");
        HttpResponse<String> noParallel = post("/api/pipelines/churn/backfills", "{\"from\":\"2026-11-01\",\"to\":\"2026-11-05\",\"parallel\":0}");
        HttpResponse<String> tooLong = post("/api/pipelines/churn/backfills", "{\"from\":\"2020-01-01\",\"to\":\"2026-11-05\"}");
        HttpResponse<String> nothingToRetrain = post("/api/pipelines/demand/retrain", "");

        assertThat(noDate.statusCode()).isEqualTo(400);
        assertThat(noDate.body()).contains("field 'businessDate'").contains("\"field\":\"businessDate\"");
        assertThat(badDate.statusCode()).isEqualTo(400);
        assertThat(badDate.body()).contains("request body, field 'businessDate'").contains("MonthOfYear").contains("\"field\":\"businessDate\"");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(backwards.statusCode()).isEqualTo(400);
        assertThat(backwards.body()).contains("field 'to': 2026-11-01 is before from 2026-11-05");
        assertThat(noParallel.statusCode()).isEqualTo(400);
        assertThat(noParallel.body()).contains("field 'parallel'");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("at most 366 dates");
        assertThat(nothingToRetrain.statusCode()).isEqualTo(409);
        assertThat(nothingToRetrain.body()).contains("demand has no completed night yet");
        assertThat(jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single()).as("runs started").isEqualTo(runsBefore);
    }

    @Test
    void aDateWithAnActiveRunIsRefusedWith409ForRunsAndBackfills() throws Exception {
        long active = jdbc.sql("""
                        INSERT INTO runs (pipeline, business_date, spec_version, attempt, trigger, status, owner)
                        VALUES ('demand', DATE '2026-10-03', 1, 0, 'cli', 'RUNNING', ?)
                        RETURNING id""").param(instance.id()).query(Long.class).single();
        try {
            HttpResponse<String> run = post("/api/pipelines/demand/runs", "{\"businessDate\":\"2026-10-03\"}");
            HttpResponse<String> backfill = post("/api/pipelines/demand/backfills", "{\"from\":\"2026-10-01\",\"to\":\"2026-10-05\"}");

            assertThat(run.statusCode()).as(run.body()).isEqualTo(409);
            assertThat(run.body()).contains("\"title\":\"Run refused\"").contains("already active (run " + active);
            assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(409);
            assertThat(backfill.body()).contains("2026-10-03 is already active (run " + active);
        } finally {
            jdbc.sql("UPDATE runs SET status = 'FAILED', finished_at = now(), error = 'test' WHERE id = ?").param(active).update();
        }
    }

    @Test
    void aSpecStoredBeforeADefaultedFieldExistedIsUnchangedWhenTheSameYamlIsAppliedAgain() {
        int version = jdbc.sql("SELECT current_spec_version FROM pipelines WHERE name = 'churn'").query(Integer.class).single();
        // as a version stored before input.cache existed: its JSON has no such field, and its hash is of that JSON
        jdbc.sql("""
                UPDATE pipeline_specs SET spec = spec #- '{input,cache}',
                       sha256 = encode(sha256(convert_to((spec #- '{input,cache}')::text, 'UTF8')), 'hex')
                WHERE pipeline = 'churn' AND version = ?""").param(version).update();
        String storedSha = jdbc.sql("SELECT sha256 FROM pipeline_specs WHERE pipeline = 'churn' AND version = ?").param(version)
                .query(String.class).single();
        assertThat(jdbc.sql("SELECT jsonb_exists(spec -> 'input', 'cache') FROM pipeline_specs WHERE pipeline = 'churn' AND version = ?")
                .param(version).query(Boolean.class).single()).isFalse();

        var again = pipelines.apply(Path.of("../config/pipelines/churn.yml"), "test");

        assertThat(again.changed()).isFalse();
        assertThat(again.version()).isEqualTo(version);
        assertThat(again.sha256()).isEqualTo(storedSha);
        assertThat(jdbc.sql("SELECT count(*) FROM pipeline_specs WHERE pipeline = 'churn' AND version > ?").param(version)
                .query(Long.class).single()).isZero();
    }

    @Test
    void specsAreAppliedAndSchedulesPausedThroughTheApiAndAudited() throws Exception {
        String churn = Files.readString(Path.of("../config/pipelines/churn.yml"));

        HttpResponse<String> same = put("/api/pipelines/churn", churn);
        HttpResponse<String> changed = put("/api/pipelines/churn", churn.replace("maxDepth: 4", "maxDepth: 3"));
        HttpResponse<String> invalid = put("/api/pipelines/churn", churn.replace("gbt-classifier", "xgboost"));
        HttpResponse<String> otherName = put("/api/pipelines/demand", churn);
        HttpResponse<String> paused = post("/api/pipelines/churn/pause", "");
        HttpResponse<String> resumed = post("/api/pipelines/churn/resume", "");

        assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
        assertThat(same.body()).contains("\"changed\":false");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(changed.body()).contains("\"changed\":true");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.body()).contains("unknown algorithm 'xgboost'");
        assertThat(otherName.statusCode()).isEqualTo(422);
        assertThat(otherName.body()).contains("field 'name': the spec is named 'churn' but was sent for pipeline 'demand'");
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        assertThat(paused.body()).contains("\"paused\":true");
        assertThat(resumed.body()).contains("\"paused\":false");
        assertThat(jdbc.sql("SELECT paused FROM pipelines WHERE name = 'churn'").query(Boolean.class).single()).isFalse();
        assertThat(jdbc.sql("""
                        SELECT action FROM audit_log WHERE actor LIKE 'token:test-admin-%' AND target = 'pipeline:churn' ORDER BY id""")
                .query(String.class).list()).containsSubsequence("pipeline.apply", "schedule.pause", "schedule.resume");
        assertThat(post("/api/pipelines/churn/models/1/promote", "{}").statusCode()).isEqualTo(404);
        HttpResponse<String> rollback = post("/api/pipelines/churn/rollback", "{}");
        assertThat(rollback.statusCode()).isEqualTo(409);
        assertThat(rollback.body()).contains("churn has no champion to roll back");
    }

    @Test
    void theOpenApiDocumentDescribesEveryApiEndpoint() throws Exception {
        HttpResponse<String> doc = get("/v3/api-docs");

        assertThat(doc.statusCode()).as(doc.body()).isEqualTo(200);
        JsonNode paths = JSON.readTree(doc.body()).path("paths");
        Set<String> expected = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> info.getPatternValues().stream()
                .filter(p -> p.startsWith("/api/")).forEach(p -> info.getMethodsCondition().getMethods()
                        .forEach(m -> expected.add(m.name().toLowerCase() + " " + p))));
        assertThat(expected).hasSizeGreaterThanOrEqualTo(23).contains("post /api/pipelines/{pipeline}/runs", "post /api/pipelines/{pipeline}/backfills",
                "post /api/pipelines/{pipeline}/models/{version}/promote", "put /api/pipelines/{pipeline}");
        for (String endpoint : expected) {
            String[] parts = endpoint.split(" ");
            JsonNode operation = paths.path(parts[1]).path(parts[0]);
            assertThat(operation.isMissingNode()).as("OpenAPI document lacks " + endpoint).isFalse();
            assertThat(operation.path("summary").asText()).as("summary of " + endpoint).isNotBlank();
        }
    }

    @Test
    void healthCoversDatabaseSchedulerAndSparkAndMetricsArePrometheus() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        HttpResponse<String> prometheus = get("/actuator/prometheus");

        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).contains("\"db\"").contains("\"scheduler\"").contains("\"spark\"").contains("\"status\":\"UP\"");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("jvm_memory_used_bytes").contains("application=\"nightshift\"");
    }

    /**
     * One real night started through the API (Spark: generating data, training the champion, the night): 202 with a
     * Location, 409 for the same date while it runs, then the run's detail, its drift, the Prometheus meters with the
     * night's values, and JSON log lines that carry the run's id and pipeline.
     */
    @Test
    void aNightStartedThroughTheApiIsAcceptedRefusedTwiceAndMeasured(CapturedOutput output) throws Exception {
        String pipeline = "churn-api";
        LocalDate date = LocalDate.of(2026, 11, 1);
        submitter.submit(new SparkApplication("generate-api", GenerateDataArgs.JOB_CLASS,
                new GenerateDataArgs("churn", nightly.warehouse(), date.minusDays(30), date, 300, 11, null, 0, 0, 7).toArgs(),
                Duration.ofMinutes(5)));
        String spec = Files.readString(Path.of("../config/pipelines/churn.yml")).replace("name: churn", "name: " + pipeline)
                .replace("algorithm: gbt-classifier", "algorithm: logistic-regression")
                .replace("params: { maxDepth: 4, maxIter: 20, stepSize: 0.1 }", "params: { maxIter: 20 }");
        assertThat(put("/api/pipelines/" + pipeline, spec).statusCode()).isEqualTo(200);

        var stages = new java.util.concurrent.CopyOnWriteArrayList<dev.nightshift.spark.SparkStageProgress.Update>();
        AutoCloseable listening = dev.nightshift.spark.SparkStageProgress.listen(stages::add);
        HttpResponse<String> accepted = post("/api/pipelines/" + pipeline + "/runs", "{\"businessDate\":\"" + date + "\"}");
        HttpResponse<String> again = post("/api/pipelines/" + pipeline + "/runs", "{\"businessDate\":\"" + date + "\"}");

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        long runId = JSON.readTree(accepted.body()).path("runId").asLong();
        assertThat(accepted.headers().firstValue("location")).hasValue("/api/runs/" + runId);
        assertThat(accepted.body()).contains("\"status\":\"RUNNING\"");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        JsonNode run = poll(runId, Duration.ofMinutes(8));
        listening.close();
        assertThat(stages).as("Spark stage progress of the night's applications").isNotEmpty()
                .allSatisfy(u -> assertThat(u.application()).endsWith(pipeline + "-" + date));
        assertThat(run.path("run").path("status").asText()).as(run.toString()).isEqualTo("COMPLETED");
        assertThat(run.path("run").path("rowsScored").asLong()).isEqualTo(300);
        assertThat(run.path("steps").findValuesAsText("step")).contains("champion", "score", "decide");
        assertThat(jdbc.sql("SELECT actor FROM audit_log WHERE action = 'run.start' AND (after ->> 'runId')::bigint = ?").param(runId)
                .query(String.class).single()).startsWith("token:test-admin-");

        var summary = new java.io.ByteArrayOutputStream();
        dev.nightshift.cli.RunsCommand.print(summaries.find(runId, nightly.warehouse()).orElseThrow(),
                new java.io.PrintStream(summary, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(summary.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("Run " + runId + ": " + pipeline + " " + date + " — COMPLETED").contains("Steps:").contains("score")
                .contains("Rows: 300 scored, 0 quarantined").contains("Drift: ").contains("Decision: ")
                .contains("predictions/" + pipeline);

        HttpResponse<String> drift = get("/api/pipelines/" + pipeline + "/drift?from=" + date + "&to=" + date + "&limit=100");
        assertThat(drift.body()).contains("\"feature\":\"__dataset__\"").contains("\"chosen\":true");
        assertThat(get("/api/pipelines/" + pipeline + "/aliases").body()).contains("\"alias\":\"champion\",\"version\":1");
        HttpResponse<String> promote = post("/api/pipelines/" + pipeline + "/models/v1/promote", "{\"reason\":\"test\"}");
        assertThat(promote.statusCode()).isEqualTo(409);
        assertThat(promote.body()).contains("v1 is already the champion");
        HttpResponse<String> reRun = post("/api/pipelines/" + pipeline + "/backfills", "{\"from\":\"" + date + "\",\"to\":\"" + date + "\"}");
        assertThat(reRun.statusCode()).as(reRun.body()).isEqualTo(202);
        assertThat(reRun.body()).contains("\"skipped\":[\"" + date + "\"]").contains("\"dates\":[]");
        assertThat(reRun.headers().firstValue("location")).hasValue("/api/runs?pipeline=" + pipeline + "&from=" + date + "&to=" + date);

        String metrics = get("/actuator/prometheus").body();
        String tag = "pipeline=\"" + pipeline + "\"";
        assertThat(value(metrics, "nightshift_runs_total", tag, "status=\"completed\"")).isEqualTo(1.0);
        assertThat(value(metrics, "nightshift_rows_scored_total", tag)).isEqualTo(300.0);
        assertThat(value(metrics, "nightshift_rows_quarantined_total", tag)).isZero();
        assertThat(value(metrics, "nightshift_last_run_rows_scored", tag)).isEqualTo(300.0);
        double share = jdbc.sql("SELECT statistic FROM feature_drift WHERE run_id = ? AND feature = '__dataset__'").param(runId)
                .query(Double.class).single();
        assertThat(value(metrics, "nightshift_drift_share", tag)).isEqualTo(share);
        assertThat(value(metrics, "nightshift_step_duration_seconds_count", tag, "step=\"score\"")).isEqualTo(1.0);
        assertThat(value(metrics, "nightshift_runs_active", tag)).isZero();

        // The live-metric gauge reads the champion's latest labelled night: a night is labelled days later, so give it one.
        jdbc.sql("""
                INSERT INTO model_metrics (pipeline, business_date, model_version_id, metric, value, ci_low, ci_high, n, method, run_id, evaluated_at)
                SELECT ?, ?, model_version_id, 'auc', 0.8125, 0.75, 0.87, 300, 'delong', id, now() FROM runs WHERE id = ?""")
                .params(pipeline, date, runId).update();
        assertThat(get("/api/pipelines/" + pipeline + "/metrics?metric=auc").body()).contains("\"value\":0.8125");
        gauges.refresh();
        assertThat(value(get("/actuator/prometheus").body(), "nightshift_model_metric", tag, "metric=\"auc\"")).isEqualTo(0.8125);

        assertThat(output.getOut().lines().filter(l -> l.contains("\"runId\":\"" + runId + "\"") && l.contains("\"pipeline\":\"" + pipeline + "\""))
                .count()).as("JSON log lines of run " + runId).isGreaterThan(3);

        // the run's own log file, whatever the console's format
        HttpResponse<String> runLog = get("/api/runs/" + runId + "/log");
        assertThat(runLog.statusCode()).isEqualTo(200);
        assertThat(runLog.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(runLog.body()).contains("Submitting Spark application").contains(date.toString());
        assertThat(get("/api/runs/999999/log").statusCode()).isEqualTo(404);
    }

    private JsonNode poll(long runId, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            JsonNode run = JSON.readTree(get("/api/runs/" + runId).body());
            if (!"RUNNING".equals(run.path("run").path("status").asText()) || System.nanoTime() > deadline) {
                return run;
            }
            Thread.sleep(1000);
        }
    }

    /** The value of the Prometheus sample named {@code name} whose labels include all of {@code labels}; NaN if there is none. */
    private static double value(String exposition, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} (\\S+)$").matcher(exposition);
        while (m.find()) {
            String found = m.group(1);
            if (java.util.Arrays.stream(labels).allMatch(found::contains)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return Double.NaN;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(json.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpResponse<String> put(String path, String yaml) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/yaml").PUT(HttpRequest.BodyPublishers.ofString(yaml)));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Every HTTP call of this class goes through here (the place to add authentication). */
    /** Every call goes as an admin (admin includes operator and viewer; SecurityIT checks the roles themselves). */
    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(dev.nightshift.TestTokens.authorize(request, tokens, dev.nightshift.security.Role.ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
