package dev.nightshift.web.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.IntegrationTest;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.reports.RunReportService;
import dev.nightshift.runs.NightlyService;
import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRequest;
import dev.nightshift.runs.RunService;
import dev.nightshift.runs.RunTrigger;
import dev.nightshift.spark.SparkApplication;
import dev.nightshift.spark.SparkSubmitter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The dashboard in real headless Chromium against the running app, with the data of two real Spark nights of one
 * monitored pipeline (labels known the same day, so both nights are evaluated; the second night has bad rows that
 * validation quarantines). Every page must render with data and without a browser console error; each page's screenshot
 * goes to batch/target/screenshots.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserIT extends IntegrationTest {
    static final String PIPELINE = "churn-ui";
    static final LocalDate D1 = LocalDate.of(2026, 11, 1);
    static final LocalDate D2 = D1.plusDays(1);
    static final Path SCREENSHOTS = Path.of("target/screenshots");
    static final String CHROMIUM = System.getProperty("nightshift.test.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("nightshift.test.chromedriver", "/usr/bin/chromedriver");

    @LocalServerPort int port;
    @Autowired RunService runService;
    @Autowired PipelineService pipelines;
    @Autowired SparkSubmitter submitter;
    @Autowired NightlyService nightly;
    @Autowired RunReportService reports;
    @Autowired JdbcClient jdbc;
    @Autowired dev.nightshift.security.ApiTokens tokens;

    ChromeDriver browser;
    RunRecord night1;
    RunRecord night2;

    @BeforeAll
    void twoRealNightsAndABrowser() throws IOException {
        boolean installed = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: the dashboard browser tests must run in CI");
        }
        Assumptions.assumeTrue(installed, "skipped: " + CHROMIUM + " and " + CHROMEDRIVER + " are needed (apt-get install chromium chromium-driver)");

        submitter.submit(new SparkApplication("generate-ui", GenerateDataArgs.JOB_CLASS,
                new GenerateDataArgs("churn", nightly.warehouse().replaceAll("/+$", "") + "/ui", D1.minusDays(20), D2, 400, 5, D2, 0.6, 1.0, 0, D2).toArgs(),
                Duration.ofMinutes(5)));
        Path spec = HOME.resolve(PIPELINE + ".yml");
        Files.writeString(spec, dev.nightshift.TestSpecs.churnScoringOnly(Path.of("../config/pipelines/churn.yml"), PIPELINE)
                .replace("algorithm: gbt-classifier", "algorithm: logistic-regression")
                .replace("params: { maxDepth: 4, maxIter: 20, stepSize: 0.1 }", "params: { maxIter: 20 }")
                .replace("lagDays: 2", "lagDays: 0")
                .replace("{warehouse}/input/churn", "{warehouse}/ui/input/churn")
                .replace("{warehouse}/labels/churn", "{warehouse}/ui/labels/churn") + """
                monitoring:
                  metrics:
                    - { metric: auc, min: 0.70, minSamples: 50, consecutive: 3 }
                  drift: { method: auto }
                  dataQuality: { maxBadRowShare: 0.05 }
                """);
        pipelines.apply(spec, "test");
        night1 = runService.run(new RunRequest(PIPELINE, D1, RunTrigger.CLI, false, "test"));
        night2 = runService.run(new RunRequest(PIPELINE, D2, RunTrigger.CLI, false, "test"));
        assertThat(night1.status()).as(night1.error()).isEqualTo("COMPLETED");
        assertThat(night2.status()).as(night2.error()).isEqualTo("COMPLETED");

        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                        "--window-size=1400,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                .usingAnyFreePort().build(), options);
        signIn();
    }

    /** As a person would: the dashboard sends an unauthenticated browser to /login, where a viewer token is pasted. */
    private void signIn() {
        open("/", "login");
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        browser.findElement(By.id("token")).sendKeys(dev.nightshift.TestTokens.token(tokens, dev.nightshift.security.Role.VIEWER));
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        // the click only starts the form's POST and redirect; a fast read of the URL can still see /login (CI saw it once)
        try {
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(b -> !b.getCurrentUrl().contains("/login"));
        } catch (TimeoutException e) {
            throw new AssertionError("still on the login page 30 s after signing in: " + browser.getCurrentUrl(), e);
        }
    }

    @AfterAll
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theOverviewShowsThePipelinesHealth() {
        open("/", "overview");

        WebElement row = browser.findElement(By.cssSelector("#pipelines tr[data-pipeline='" + PIPELINE + "']"));
        assertThat(row.getText()).contains(D2.toString()).contains("COMPLETED").contains("v1").contains("auc 0.")
                .contains("min 0.7").contains("features drifted");
        assertThat(row.findElement(By.cssSelector(".dot")).getAttribute("class")).matches(".*\\b(ok|warn|failed)\\b.*");
    }

    @Test
    void thePipelinePageIsAGridOfNightsAndSteps() {
        open("/pipelines/" + PIPELINE, "pipeline-grid");

        assertThat(browser.findElements(By.cssSelector("#grid thead th.night"))).extracting(WebElement::getText)
                .containsExactly(D1.toString(), D2.toString());
        List<WebElement> score = browser.findElements(By.cssSelector("#grid tr[data-step='score'] a.sq"));
        assertThat(score).hasSize(2).allSatisfy(c -> assertThat(c.getAttribute("class")).contains("COMPLETED"));
        assertThat(browser.findElements(By.cssSelector("#grid tr[data-step='retrain'] span.sq.none"))).hasSize(2);
    }

    @Test
    void theMetricsPageChartsTheAucWithItsBandAndLimit() {
        open("/pipelines/" + PIPELINE + "/metrics", "metrics");

        WebElement auc = browser.findElement(By.cssSelector("section[data-metric='auc']"));
        assertThat(auc.getText()).contains("judged by the policy");
        String svg = auc.findElement(By.tagName("svg")).getAttribute("outerHTML");
        assertThat(svg).contains("min 0.7").contains("<path"); // the limit's label and the band/line paths
        assertThat(auc.findElement(By.tagName("svg")).getSize().getWidth()).isGreaterThan(300);
    }

    @Test
    void theDriftPageIsAHeatmapOfFeaturesByNight() {
        open("/pipelines/" + PIPELINE + "/drift", "drift");

        assertThat(browser.findElements(By.cssSelector("#heatmap thead th.num"))).hasSize(2);
        WebElement tenure = browser.findElement(By.cssSelector("#heatmap tr[data-feature='tenure_months']"));
        assertThat(tenure.findElements(By.cssSelector("td.h"))).hasSize(2)
                .allSatisfy(c -> assertThat(c.getText()).matches("\\d+\\.\\d\\d"));
        assertThat(browser.findElements(By.cssSelector("#heatmap tr[data-feature='__prediction__']"))).hasSize(1);
    }

    @Test
    void theModelsPageShowsVersionsWithLineage() {
        open("/pipelines/" + PIPELINE + "/models", "models");

        WebElement v1 = browser.findElement(By.id("v1"));
        assertThat(v1.getText()).contains("champion").contains("logistic-regression").contains("by run " + night1.id())
                .contains("first model of the pipeline");
    }

    @Test
    void theRunPageShowsStepsQualityDecisionAndTheReportLink() {
        open("/runs/" + night2.id(), "run");

        assertThat(browser.findElements(By.cssSelector("#steps tbody tr td:first-child"))).extracting(WebElement::getText)
                .containsExactly("champion", "score", "decide");
        assertThat(browser.findElement(By.id("summary")).getText()).contains("rows quarantined");
        // the second night's bad rows: the checks that held them back, with their counts
        assertThat(browser.findElements(By.cssSelector("#quality tbody tr"))).isNotEmpty();
        long quarantined = jdbc.sql("SELECT rows_quarantined FROM runs WHERE id = ?").param(night2.id()).query(Long.class).single();
        assertThat(quarantined).isPositive();
        assertThat(browser.findElement(By.id("summary")).getText()).contains(String.valueOf(quarantined));
        assertThat(browser.findElement(By.id("decision")).getText()).containsPattern("keep|no_decision");
        assertThat(browser.findElement(By.id("metrics")).getText()).contains("auc").contains(D1.toString());
        assertThat(browser.findElement(By.id("report-link")).getText()).contains("Open the run report");

        // the run's own log: the orchestrator's lines and the Spark application's output, nothing of other runs
        String href = browser.findElement(By.id("log-link")).findElement(By.linkText("The run's log")).getAttribute("href");
        assertThat(href).endsWith("/runs/" + night2.id() + "/log");
        open("/runs/" + night2.id() + "/log", "run-log");
        String log = browser.findElement(By.tagName("body")).getText();
        assertThat(log).contains("rows published to nightshift.predictions").contains(" spark.")
                .doesNotContain("Submitting Spark application train-" + PIPELINE + "-" + D1); // the first night's training
        assertThat(log.lines().filter(l -> l.contains("Submitting Spark application")).toList()).isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains(D2.toString()));

        // the first night's page says how its predictions scored once the second night's run evaluated them
        open("/runs/" + night1.id(), "run-first-night");
        assertThat(browser.findElement(By.id("night-metrics")).getText()).contains("v1").contains("auc");
    }

    @Test
    void theRunReportIsSelfContainedAndSmall() throws IOException {
        String uri = jdbc.sql("SELECT uri FROM run_reports WHERE run_id = ? AND status = 'WRITTEN'").param(night2.id())
                .query(String.class).single();
        Path file = Path.of(URI.create(uri));
        assertThat(file.toString()).endsWith("reports/" + PIPELINE + "/" + D2 + "/run-" + night2.id() + ".html");
        String html = Files.readString(file);

        assertThat(html).contains("<svg").contains("<style>").contains("Data quality").contains("Drift of this night");
        assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("<link rel=\"stylesheet\"")
                .doesNotContainPattern("href=\"(https?:|/)");
        assertThat(Files.size(file)).isLessThan(200_000);

        open("/runs/" + night2.id() + "/report", "report");
        assertThat(browser.getTitle()).contains("Nightshift report").contains(PIPELINE);
        assertThat(browser.findElement(By.id("steps")).getText()).contains("score");
    }

    @Test
    void aReportOfOneHundredFeaturesStaysUnderOneMegabyte() {
        // given the second night's drift rows for 100 more features (the report lists every feature's judged statistic)
        try {
            jdbc.sql("""
                    INSERT INTO feature_drift (run_id, pipeline, business_date, model_version_id, feature, feature_type, method, chosen,
                        statistic, threshold, drifted, n_current, n_reference, computed_at)
                    SELECT run_id, pipeline, business_date, model_version_id, 'extra_feature_' || g, 'numeric', 'psi', true,
                        g / 400.0, 0.2, g > 80, n_current, n_reference, computed_at
                    FROM feature_drift, generate_series(1, 100) g
                    WHERE run_id = ? AND feature = 'tenure_months' AND chosen""").param(night2.id()).update();

            String html = reports.render(night2.id());

            assertThat(html).contains("extra_feature_100");
            assertThat(html.getBytes(StandardCharsets.UTF_8).length).isLessThan(1_000_000);
        } finally {
            jdbc.sql("DELETE FROM feature_drift WHERE run_id = ? AND feature LIKE 'extra_feature_%'").param(night2.id()).update();
        }
    }

    @Test
    void aFailedRunsReportSaysWhatFailedAndAReportThatCannotBeWrittenIsRecorded() throws IOException {
        // given a run of a later night that failed (inserted: a real failing night would cost another Spark application)
        LocalDate d3 = D2.plusDays(1);
        long failed = jdbc.sql("""
                        INSERT INTO runs (pipeline, business_date, spec_version, trigger, status, finished_at, error)
                        VALUES (?, ?, 1, 'cli', 'FAILED', now(), 'input path {warehouse}/input/churn has no rows for 2026-11-03') RETURNING id""")
                .params(PIPELINE, d3).query(Long.class).single();

        Path folder = reports.location(PIPELINE, d3, failed).getParent();
        try {
            RunReportService.Outcome written = reports.write(failed);
            assertThat(written.written()).as(written.error()).isTrue();
            assertThat(Files.readString(Path.of(URI.create(written.uri())))).contains("FAILED").contains("has no rows for 2026-11-03");
            open("/runs/" + failed, "run-failed");
            assertThat(browser.findElement(By.id("failure")).getText()).contains("has no rows for 2026-11-03");
            assertThat(browser.findElement(By.id("log-link")).getText()).contains("No log file for this run");

            // when the report's folder cannot be created (a file is in the way)
            Files.delete(reports.location(PIPELINE, d3, failed));
            Files.delete(folder);
            Files.writeString(folder, "in the way");

            RunReportService.Outcome refused = reports.write(failed);

            assertThat(refused.written()).isFalse();
            assertThat(jdbc.sql("SELECT status || ': ' || error FROM run_reports WHERE run_id = ?").param(failed).query(String.class).single())
                    .startsWith("FAILED: ").contains(folder.getFileName().toString());
            assertThat(jdbc.sql("SELECT status FROM runs WHERE id = ?").param(failed).query(String.class).single()).isEqualTo("FAILED");
            open("/runs/" + failed + "/report", "report-missing", List.of("404"));
            assertThat(browser.findElement(By.className("error")).getText()).contains("could not be written");
        } finally {
            if (Files.isDirectory(folder)) {
                Files.deleteIfExists(reports.location(PIPELINE, d3, failed));
            }
            Files.deleteIfExists(folder);
            jdbc.sql("DELETE FROM run_reports WHERE run_id = ?").param(failed).update();
            jdbc.sql("DELETE FROM runs WHERE id = ?").param(failed).update();
        }
    }

    @Test
    void anUnknownPipelineIsANotFoundPage() {
        open("/pipelines/nope/drift", "not-found", List.of("404"));

        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not found");
        assertThat(browser.findElement(By.className("error")).getText()).contains("nope");
    }

    /** Every navigation of this class goes through here: loads the page, saves its screenshot, and fails on console errors. */
    private void open(String path, String screenshot) {
        open(path, screenshot, List.of());
    }

    private void open(String path, String screenshot, List<String> expectedErrors) {
        browser.get("http://127.0.0.1:" + port + path);
        try {
            Files.write(SCREENSHOTS.resolve("dashboard-" + screenshot + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new IllegalStateException("cannot save the screenshot of " + path + ": " + e.getMessage(), e);
        }
        List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::getMessage)
                .filter(m -> expectedErrors.stream().noneMatch(m::contains)).toList();
        assertThat(errors).as("browser console on " + path).isEmpty();
    }
}
