package dev.nightshift.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.IntegrationTest;
import dev.nightshift.TestTokens;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.security.ApiTokens;
import dev.nightshift.security.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The HTTP side of `nightshift serve` (as a viewer): JSON API with paging and problem details, health and Prometheus metrics. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiIT extends IntegrationTest {
    @LocalServerPort int port;
    @Autowired PipelineService pipelines;
    @Autowired ApiTokens tokens;
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
        assertThat(second.body()).contains("\"name\":\"demand\"");
        assertThat(get("/api/runs?pipeline=churn").statusCode()).isEqualTo(200);
    }

    @Test
    void alertsArePagedAndFilteredByAKnownPipeline() throws Exception {
        HttpResponse<String> alerts = get("/api/alerts?pipeline=churn&limit=5");
        HttpResponse<String> unknown = get("/api/alerts?pipeline=nope");

        assertThat(alerts.statusCode()).as(alerts.body()).isEqualTo(200);
        assertThat(alerts.body()).contains("\"items\":[").contains("\"limit\":5");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void errorsAreProblemDetailsWithAMeaningfulStatus() throws Exception {
        HttpResponse<String> unknown = get("/api/pipelines/nope/models");
        HttpResponse<String> badLimit = get("/api/runs?limit=0");
        HttpResponse<String> noRun = get("/api/runs/999999");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("application/problem+json"));
        assertThat(unknown.body()).contains("\"title\":\"Unknown pipeline\"").contains("unknown pipeline 'nope'");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(badLimit.body()).contains("limit must be between 1 and 1000");
        assertThat(noRun.statusCode()).isEqualTo(404);
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

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(TestTokens.authorize(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)), tokens, Role.VIEWER)
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
