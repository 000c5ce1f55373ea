package dev.nightshift.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.IntegrationTest;
import dev.nightshift.TestTokens;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.database.DatabaseConfiguration;
import dev.nightshift.pipelines.PipelineService;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Who may call what over real HTTP, token storage, the admin token file and the append-only audit log. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SecurityIT extends IntegrationTest {
    @LocalServerPort int port;
    @Autowired PipelineService pipelines;
    @Autowired ApiTokens tokens;
    @Autowired JdbcClient jdbc;
    @Autowired NightshiftProperties nightshift;
    @Autowired AdminTokenBootstrap bootstrap;
    @Autowired DatabaseConfiguration.OwnerEndpoint owner;
    @Autowired dev.nightshift.runs.InstanceRegistry instance;

    @BeforeEach
    void applyExample() {
        pipelines.apply(Path.of("../config/pipelines/churn.yml"), "test");
    }

    @Test
    void everyRoleGetsWhatItsRoleAllowsAndNothingMore() throws Exception {
        // reads: viewer and up; without a token 401 problem details
        HttpResponse<String> anonymous = call(null, "GET", "/api/pipelines");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("application/problem+json"));
        assertThat(anonymous.body()).contains("\"status\":401").contains("Bearer");
        for (Role role : Role.values()) {
            assertThat(call(role, "GET", "/api/pipelines").statusCode()).as(role + " reads").isEqualTo(200);
            assertThat(call(role, "GET", "/actuator/prometheus").statusCode()).as(role + " scrapes").isEqualTo(200);
        }
        assertThat(call(null, "GET", "/actuator/prometheus").statusCode()).isEqualTo(401);
        assertThat(call(null, "GET", "/v3/api-docs").statusCode()).isEqualTo(401);
        assertThat(call(Role.VIEWER, "GET", "/v3/api-docs").statusCode()).isNotIn(401, 403);

        // the mutating endpoints of the contract, by minimum role
        Map<String, Role> minimum = new java.util.LinkedHashMap<>();
        for (String op : List.of("runs", "backfills", "retrain", "pause", "resume")) {
            minimum.put("POST /api/pipelines/churn/" + op, Role.OPERATOR);
        }
        minimum.put("POST /api/pipelines/churn/models/1/promote", Role.ADMIN);
        minimum.put("POST /api/pipelines/churn/rollback", Role.ADMIN);
        minimum.put("PUT /api/pipelines/churn", Role.ADMIN);
        minimum.put("GET /api/tokens", Role.ADMIN);
        minimum.put("POST /api/tokens", Role.ADMIN);
        minimum.put("DELETE /api/tokens/someone", Role.ADMIN);
        minimum.put("DELETE /api/pipelines/churn", Role.ADMIN); // a mutating endpoint nobody classified yet
        for (Map.Entry<String, Role> e : minimum.entrySet()) {
            String method = e.getKey().split(" ")[0];
            String path = e.getKey().split(" ")[1];
            assertThat(call(null, method, path).statusCode()).as("anonymous " + e.getKey()).isEqualTo(401);
            for (Role role : Role.values()) {
                HttpResponse<String> r = call(role, method, path);
                if (role.compareTo(e.getValue()) < 0) {
                    assertThat(r.statusCode()).as(role + " " + e.getKey()).isEqualTo(403);
                    assertThat(r.body()).contains("\"status\":403");
                } else {
                    assertThat(r.statusCode()).as(role + " " + e.getKey() + ": " + r.body()).isNotIn(401, 403);
                }
            }
        }
    }

    @Test
    void anAdminManagesTokensOverTheApiAndTheNewTokenHasExactlyItsRole() throws Exception {
        String admin = TestTokens.token(tokens, Role.ADMIN);
        HttpResponse<String> created = HttpClient.newHttpClient().send(get("/api/tokens").header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"api-made\",\"role\":\"operator\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Matcher secret = Pattern.compile("\"secret\":\"(nst_[^\"]+)\"").matcher(created.body());
        assertThat(secret.find()).as(created.body()).isTrue();
        String token = secret.group(1);

        assertThat(send(token, "GET", "/api/pipelines").statusCode()).isEqualTo(200);
        assertThat(send(token, "POST", "/api/pipelines/churn/models/1/promote").statusCode()).isEqualTo(403);
        assertThat(send(token, "GET", "/api/tokens").statusCode()).isEqualTo(403);
        HttpResponse<String> listed = send(admin, "GET", "/api/tokens?limit=500");
        assertThat(listed.body()).contains("\"name\":\"api-made\"").doesNotContain(token.substring(17));
        assertThat(jdbc.sql("SELECT actor FROM audit_log WHERE action = 'token.create' AND target = 'token:api-made'")
                .query(String.class).single()).startsWith("token:test-admin-");

        HttpResponse<String> duplicate = HttpClient.newHttpClient().send(get("/api/tokens").header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"api-made\",\"role\":\"root\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(duplicate.body()).contains("\"field\":\"role\"");

        assertThat(send(admin, "DELETE", "/api/tokens/api-made").statusCode()).isEqualTo(200);
        assertThat(send(token, "GET", "/api/pipelines").statusCode()).isEqualTo(401);
        assertThat(send(admin, "DELETE", "/api/tokens/api-made").statusCode()).isEqualTo(404);
    }

    @Test
    void aBadOrRevokedTokenIsUnauthorized() throws Exception {
        ApiTokens.Created created = tokens.create("revoked-soon", Role.ADMIN, "test");
        assertThat(send(created.secret(), "GET", "/api/pipelines").statusCode()).isEqualTo(200);

        tokens.revoke("revoked-soon", "test");

        assertThat(send(created.secret(), "GET", "/api/pipelines").statusCode()).isEqualTo(401);
        assertThat(send("nst_000000000000_" + "A".repeat(43), "GET", "/api/pipelines").statusCode()).isEqualTo(401);
        assertThat(send("garbage", "GET", "/api/pipelines").body()).contains("\"status\":401").contains("not a valid, active");
        // the right prefix with another secret is not the token
        String forged = created.secret().substring(0, 17) + "B".repeat(43);
        assertThat(send(forged, "GET", "/api/pipelines").statusCode()).isEqualTo(401);
    }

    @Test
    void publicPathsAndHealthWithoutDetails() throws Exception {
        HttpResponse<String> health = call(null, "GET", "/actuator/health");
        HttpResponse<String> detailed = call(Role.VIEWER, "GET", "/actuator/health");
        HttpResponse<String> login = call(null, "GET", "/login");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("\"db\"").doesNotContain("postgresql");
        assertThat(detailed.body()).contains("\"db\"").contains("\"scheduler\"");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("name=\"token\"").contains("name=\"_csrf\"");
        assertThat(call(null, "GET", "/assets/app.css").statusCode()).isNotIn(401, 403);
        assertThat(login.headers().firstValue("content-security-policy")).hasValueSatisfying(v -> assertThat(v).contains("frame-ancestors 'none'"));
        assertThat(login.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(login.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(login.headers().firstValue("referrer-policy")).hasValue("no-referrer");
    }

    @Test
    void theDashboardSignsInWithAPastedTokenAndItsFormsNeedTheCsrfToken() throws Exception {
        String operator = tokens.create("dashboard-operator", Role.OPERATOR, "test").secret();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpResponse<String> page = browser.send(get("/pipelines/churn").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("location")).hasValueSatisfying(v -> assertThat(v).endsWith("/login"));

        String csrf = csrf(browser.send(get("/login").build(), HttpResponse.BodyHandlers.ofString()).body());
        HttpResponse<String> wrong = browser.send(form("/login", Map.of("token", "nst_nope", "_csrf", csrf)), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.headers().firstValue("location")).hasValueSatisfying(v -> assertThat(v).endsWith("/login?error"));
        HttpResponse<String> withoutCsrf = browser.send(form("/login", Map.of("token", operator)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withoutCsrf.statusCode()).isEqualTo(403);

        csrf = csrf(browser.send(get("/login").build(), HttpResponse.BodyHandlers.ofString()).body());
        HttpResponse<String> signedIn = browser.send(form("/login", Map.of("token", operator, "_csrf", csrf)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("location")).hasValueSatisfying(v -> assertThat(v).doesNotContain("login"));

        assertThat(browser.send(get("/pipelines/churn").build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isNotIn(302, 401, 403);
        assertThat(browser.send(get("/api/pipelines").build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        // a session's state change needs the CSRF token of the session
        HttpResponse<String> forged = browser.send(form("/api/pipelines/churn/pause", Map.of()), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        String sessionCsrf = csrf(browser.send(get("/login").build(), HttpResponse.BodyHandlers.ofString()).body());
        HttpResponse<String> genuine = browser.send(form("/api/pipelines/churn/pause", Map.of("_csrf", sessionCsrf)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(genuine.statusCode()).as(genuine.body()).isNotIn(401, 403);
        // but an operator session may not do an admin's work
        HttpResponse<String> promote = browser.send(form("/api/pipelines/churn/rollback", Map.of("_csrf", sessionCsrf)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(promote.statusCode()).isEqualTo(403);
        // revoking the token ends the session
        tokens.revoke("dashboard-operator", "test");
        HttpResponse<String> afterRevoke = browser.send(get("/pipelines/churn").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(afterRevoke.statusCode()).isEqualTo(302);
        assertThat(afterRevoke.headers().firstValue("location")).hasValueSatisfying(v -> assertThat(v).endsWith("/login"));
    }

    @Test
    void tokensAreStoredOnlyAsHashesAndTheirChangesAreAudited() {
        ApiTokens.Created created;
        String logged;
        try (dev.nightshift.LogRecorder log = new dev.nightshift.LogRecorder()) {
            created = tokens.create("ci-bot", Role.OPERATOR, "cli:tester");
            tokens.revoke("ci-bot", "cli:tester");
            logged = log.text();
        }

        String secret = created.secret();
        List<Map<String, Object>> rows = jdbc.sql("SELECT * FROM api_tokens WHERE name = 'ci-bot'").query().listOfRows();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("token_sha256")).isEqualTo(TokenSecret.sha256(secret));
        assertThat(rows.get(0).values().stream().map(v -> v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v)))
                .noneMatch(v -> v.contains(secret.substring(17)));
        List<String> audit = jdbc.sql("SELECT actor || ' ' || action || ' ' || target || ' ' || coalesce(before::text, '') || coalesce(after::text, '')"
                + " FROM audit_log WHERE target = 'token:ci-bot' ORDER BY id").query(String.class).list();
        assertThat(audit).hasSize(2);
        assertThat(audit.get(0)).startsWith("cli:tester token.create token:ci-bot").contains("\"role\": \"operator\"");
        assertThat(audit.get(1)).startsWith("cli:tester token.revoke token:ci-bot").contains("\"revoked\": true");
        assertThat(String.join("\n", audit)).doesNotContain(secret.substring(17));
        assertThat(created.toString()).doesNotContain(secret.substring(17));
        assertThat(logged).doesNotContain(secret.substring(17));
    }

    @Test
    void theAdminTokenFileIsOwnerOnlyWorksAsAdminAndIsNeverLogged() throws Exception {
        Path file = nightshift.home().resolve("admin-token").toAbsolutePath().normalize();
        assertThat(bootstrap.file()).isEqualTo(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String secret = Files.readString(file).strip();
        assertThat(send(secret, "PUT", "/api/pipelines/churn").statusCode()).isNotIn(401, 403);

        // a new file (say, deleted by the operator to rotate the token) replaces the old admin token
        Files.delete(file);
        String logged;
        try (dev.nightshift.LogRecorder log = new dev.nightshift.LogRecorder()) {
            bootstrap.ensure();
            logged = log.text();
        }
        String rotated = Files.readString(file).strip();

        assertThat(rotated).isNotEqualTo(secret);
        assertThat(send(secret, "GET", "/api/pipelines").statusCode()).isEqualTo(401);
        assertThat(send(rotated, "POST", "/api/pipelines/churn/rollback").statusCode()).isNotIn(401, 403);
        assertThat(logged).contains(file.toString()).doesNotContain(rotated.substring(17));
        // running again with the same file changes nothing
        bootstrap.ensure();
        assertThat(tokens.find("admin")).hasValueSatisfying(t -> assertThat(TokenSecret.matches(rotated, jdbc
                .sql("SELECT token_sha256 FROM api_tokens WHERE id = ?").params(t.id()).query(byte[].class).single())).isTrue());
    }

    @Test
    void twoInstancesStartingTogetherRegisterTheAdminTokenFileOnce() throws Exception {
        // a token file the database does not know yet (a fresh database), seen by two serve instances starting at once
        Path file = bootstrap.file();
        String secret = TokenSecret.generate();
        Files.writeString(file, secret + "\n");
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<?>> starts = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                starts.add(two.submit(() -> {
                    together.await();
                    bootstrap.ensure();
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> start : starts) {
                start.get();   // neither start fails
            }
        } finally {
            two.shutdownNow();
        }

        assertThat(jdbc.sql("SELECT count(*) FROM api_tokens WHERE name = 'admin' AND revoked_at IS NULL").query(Long.class).single())
                .isEqualTo(1);
        assertThat(tokens.findBySecret(secret)).hasValueSatisfying(t -> assertThat(t.active()).isTrue());
        assertThat(jdbc.sql("SELECT count(*) FROM api_tokens WHERE prefix = ?").param(TokenSecret.prefix(secret).orElseThrow())
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void theApplicationRoleCannotChangeTheAuditLogAndTheTriggerStopsEveryoneElse() throws Exception {
        assertThat(jdbc.sql("SELECT current_user").query(String.class).single()).isEqualTo("nightshift_app");
        // the pool's connections are named after this process, as its row in instances records it
        String name = jdbc.sql("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()").query(String.class).single();
        assertThat(name).isEqualTo("nightshift orchestrator " + ProcessHandle.current().pid() + "@" + instance.host());
        assertThat(jdbc.sql("SELECT count(*) FROM instances WHERE id = ? AND ? = 'nightshift orchestrator ' || pid || '@' || host")
                .params(instance.id(), name).query(Long.class).single()).isEqualTo(1);
        jdbc.sql("INSERT INTO audit_log (actor, action, target) VALUES ('test', 'test.append', 'nothing')").update();

        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_log SET actor = 'someone else'").update())
                .rootCause().hasMessageContaining("permission denied for table audit_log");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_log").update()).rootCause().hasMessageContaining("permission denied");
        assertThatThrownBy(() -> jdbc.sql("TRUNCATE audit_log").update()).rootCause().hasMessageContaining("permission denied");
        try (Connection c = ownerConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("UPDATE nightshift.audit_log SET actor = 'someone else'")).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM nightshift.audit_log")).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("TRUNCATE nightshift.audit_log")).hasMessageContaining("append-only");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'test.append'").query(Long.class).single()).isPositive();
    }

    @Test
    void theApplicationRoleHasNoDdlOnTheSchemaAndTheAnalystSeesOnlyTheViews() throws Exception {
        assertThatThrownBy(() -> jdbc.sql("CREATE TABLE nightshift.intruder (x int)").update()).rootCause().hasMessageContaining("permission denied");
        assertThatThrownBy(() -> jdbc.sql("ALTER TABLE nightshift.runs ADD COLUMN x int").update()).rootCause().hasMessageContaining("must be owner");
        assertThatThrownBy(() -> jdbc.sql("DROP TABLE nightshift.predictions").update()).rootCause().hasMessageContaining("must be owner");
        assertThatThrownBy(() -> jdbc.sql("TRUNCATE nightshift.runs").update()).rootCause().hasMessageContaining("permission denied");
        // what it does need: scratch tables of its own, and nights of predictions through the owner's functions (V19)
        jdbc.sql("CREATE UNLOGGED TABLE nightshift_work.scratch_test (x int)").update();
        jdbc.sql("DROP TABLE nightshift_work.scratch_test").update();
        assertThat(jdbc.sql("SELECT nightshift.ensure_predictions_partition('churn', DATE '2031-07-04')").query(String.class).single())
                .matches("predictions_churn_[0-9a-f]{12}_20310704");
        assertThatThrownBy(() -> jdbc.sql("ALTER TABLE nightshift.predictions DETACH PARTITION nightshift."
                + jdbc.sql("SELECT nightshift.predictions_leaf_name('churn', DATE '2031-07-04')").query(String.class).single()).update())
                .rootCause().hasMessageContaining("must be owner");

        try (Connection c = ownerConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET LOCAL ROLE nightshift_analyst");
            for (String table : List.of("api_tokens", "audit_log", "runs", "predictions", "pipeline_specs")) {
                s.execute("SAVEPOINT p");
                assertThatThrownBy(() -> s.executeQuery("SELECT * FROM nightshift." + table + " LIMIT 1"))
                        .as(table).hasMessageContaining("permission denied");
                s.execute("ROLLBACK TO SAVEPOINT p");
            }
            s.executeQuery("SELECT count(*) FROM analytics.run_history").close();
            c.rollback();
        }
    }

    private Connection ownerConnection() throws Exception {
        return DriverManager.getConnection(owner.endpoint().url(), owner.endpoint().user(), owner.endpoint().password());
    }

    private HttpResponse<String> call(Role role, String method, String path) throws Exception {
        return send(role == null ? null : TestTokens.token(tokens, role), method, path);
    }

    private HttpResponse<String> send(String token, String method, String path) throws Exception {
        HttpRequest.Builder b = get(path).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    private HttpRequest form(String path, Map<String, String> fields) {
        String body = String.join("&", fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).toList());
        return get(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String csrf(String loginPage) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(loginPage);
        assertThat(m.find()).as("login page has a CSRF field: " + loginPage).isTrue();
        return m.group(1);
    }
}
