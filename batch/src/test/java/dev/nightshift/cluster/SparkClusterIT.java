package dev.nightshift.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nightshift.IntegrationTest;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.database.DatabaseEndpoint;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.runs.NightlyService;
import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRequest;
import dev.nightshift.runs.RunService;
import dev.nightshift.runs.RunTrigger;
import dev.nightshift.spark.ClusterSparkSubmitter;
import dev.nightshift.spark.LocalSparkSubmitter;
import dev.nightshift.spark.ManagedSparkSubmitter;
import dev.nightshift.spark.SparkApplication;
import dev.nightshift.spark.SparkSubmitter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The demo pipeline on a real standalone Spark cluster (one Master, two Workers on 127.0.0.1, started by
 * {@code scripts/spark-cluster} from the Maven-built Spark home), submitted through {@code spark-submit} in client mode:
 * its nights give the same predictions, metrics, drift and data-quality rows as local mode on the same data, also when a
 * Worker is killed while one of them runs (nothing lost, nothing duplicated). One test: each cluster night starts a
 * driver and two executor JVMs, so the worker is killed during a night the comparison needs anyway.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "spring.main.allow-bean-definition-overriding=true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkClusterIT {
    static final Path HOME = home();
    static final String SMALL_DATA_JVM = IntegrationTest.SMALL_DATA_JVM;
    static final String PIPELINE = "churn-cluster";
    static final int ENTITIES = 300;
    static final LocalDate D1 = LocalDate.of(2026, 11, 10);
    static final LocalDate D2 = D1.plusDays(3);
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path CLUSTER_DIR = HOME.resolve("spark-cluster");
    /** The client-mode drivers' scratch folders ({@code nightshift.spark.scratch-dir}). */
    static final Path SCRATCH = HOME.resolve("driver-scratch");
    static final int MASTER_PORT = freePort();
    static final int UI_PORT = freePort();
    /** Which submitter the nights go to: the cluster one (default) or local mode, for the reference results. */
    static volatile boolean local;
    static final AtomicInteger localSubmissions = new AtomicInteger();

    @Autowired RunService runs;
    @Autowired PipelineService pipelines;
    @Autowired ModelRegistry registry;
    @Autowired NightlyService nightly;
    @Autowired ManagedSparkSubmitter cluster;
    @Autowired SparkSubmitter submitter;
    @Autowired JdbcClient jdbc;

    /** IntegrationTest's settings (its own home, embedded PostgreSQL on a free port), with the cluster as master. */
    @DynamicPropertySource
    static void clusterProperties(DynamicPropertyRegistry registry) {
        cluster("start");
        // also when the context fails to start (no @AfterAll then) or the JVM is stopped
        Runtime.getRuntime().addShutdownHook(new Thread(() -> cluster("stop")));
        String schedulerName = IntegrationTest.schedulerNameOfANewContext();
        registry.add("spring.quartz.scheduler-name", () -> schedulerName);
        registry.add("nightshift.home", HOME::toString);
        registry.add("nightshift.embedded.port", () -> "0");
        registry.add("nightshift.spark.driver-memory", () -> "1g");
        registry.add("nightshift.spark.java-options", () -> SMALL_DATA_JVM);
        registry.add("nightshift.spark.timeout", () -> "10m");
        registry.add("nightshift.spark.master", () -> "spark://127.0.0.1:" + MASTER_PORT);
        registry.add("nightshift.spark.spark-home", () -> ROOT.resolve("spark-jobs/target/spark-home").toString());
        registry.add("nightshift.spark.executor-memory", () -> "700m");
        registry.add("nightshift.spark.scratch-dir", SCRATCH::toString);
        registry.add("nightshift.spark.conf.spark.executor.extraJavaOptions", () -> SMALL_DATA_JVM.replace(',', ' '));
        registry.add("nightshift.spark.conf.spark.sql.shuffle.partitions", () -> "4");
    }

    /**
     * Replaces the application's submitter (same bean name) with one that sends the nights to the cluster submitter the
     * application built, or, while {@link #local} is set, to a local[2] submitter on the same jars and database.
     */
    @TestConfiguration
    static class Switch {
        @Bean
        @Primary
        SparkSubmitter sparkSubmitter(ManagedSparkSubmitter cluster, DatabaseEndpoint database) {
            LocalSparkSubmitter localSubmitter = new LocalSparkSubmitter(cluster.classpath(), "local[2]", "1g",
                    List.of(SMALL_DATA_JVM.split(",")), Map.of(), database, "dev");
            return app -> {
                if (local) {
                    localSubmissions.incrementAndGet();
                    return localSubmitter.submit(app);
                }
                return cluster.submit(app);
            };
        }
    }

    @BeforeAll
    void generateDataAndApplySpec() throws IOException {
        assertThat(cluster).isInstanceOf(ClusterSparkSubmitter.class);
        // the data in local mode: generating it is not what this test checks, and on the cluster it took a driver and
        // two executor JVMs (41 s of the class's 326 s in one clean-clone run)
        local = true;
        try {
            submitter.submit(new SparkApplication("generate-cluster", GenerateDataArgs.JOB_CLASS,
                    new GenerateDataArgs("churn", nightly.warehouse(), D1.minusDays(20), D2, ENTITIES, 13, null, 0, 0, 2).toArgs(),
                    Duration.ofMinutes(5)));
        } finally {
            local = false;
        }
        Path spec = HOME.resolve(PIPELINE + ".yml");
        // the example spec (monitoring included) with 5 trees: the comparison with local mode needs a GBT, not a good one
        Files.writeString(spec, dev.nightshift.TestSpecs.fewerTrees(
                Files.readString(ROOT.resolve("config/pipelines/churn.yml")).replace("name: churn", "name: " + PIPELINE)));
        pipelines.apply(spec, "test");
    }

    @AfterAll
    void stopCluster() {
        cluster("stop");
    }

    @Test
    void nightsOnTheClusterGiveTheSameResultsAsLocalModeOnTheSameDataEvenWithAWorkerKilledDuringOne() throws Exception {
        // on the cluster: the first night trains the champion and scores; the second also evaluates the first, and one
        // worker (with its executor) is killed while it runs
        var stages = new java.util.concurrent.CopyOnWriteArrayList<dev.nightshift.spark.SparkStageProgress.Update>();
        try (AutoCloseable listening = dev.nightshift.spark.SparkStageProgress.listen(stages::add)) {
            RunRecord first = runs.run(new RunRequest(PIPELINE, D1, RunTrigger.CLI, false, "test"));
            assertThat(first.status()).as(first.error()).isEqualTo("COMPLETED");
            RunRecord second = nightWithAWorkerKilled(D2);
            assertThat(second.status()).as(second.error()).isEqualTo("COMPLETED");
        }
        // client mode: the drivers run here, and their stage progress reaches the orchestrator's progress display
        assertThat(stages).extracting(dev.nightshift.spark.SparkStageProgress.Update::application)
                .contains("train-" + PIPELINE + "-" + D1, "night-" + PIPELINE + "-" + D1, "night-" + PIPELINE + "-" + D2);
        String master = masterJson().replace(" ", "");
        assertThat(master).contains("\"completedapps\":[{").contains("\"name\":\"nightshift-night\"").contains("\"aliveworkers\":1");
        Map<String, double[]> clusterScores = scores();
        Map<String, Double> clusterMetrics = numbers("SELECT business_date || ' ' || metric AS k, value FROM model_metrics WHERE pipeline = ?");
        Map<String, Double> clusterSegments = numbers("SELECT business_date || ' ' || segment_value || ' ' || metric AS k, value"
                + " FROM model_segment_metrics WHERE pipeline = ?");
        Map<String, Double> clusterDrift = numbers("SELECT business_date || ' ' || feature || ' ' || method AS k, statistic AS value"
                + " FROM feature_drift WHERE pipeline = ?");
        Map<String, Double> clusterQuality = numbers("SELECT business_date || ' ' || check_name || ' ' || coalesce(column_name, '') AS k,"
                + " value FROM data_quality WHERE pipeline = ?");
        // nothing lost, nothing duplicated (scores() refuses a second row of an entity and date)
        assertThat(clusterScores).hasSize(2 * ENTITIES);
        assertThat(jdbc.sql("SELECT count(*) - count(DISTINCT entity_id) FROM predictions WHERE pipeline = ? AND business_date = ?")
                .params(PIPELINE, D2).query(Long.class).single()).isZero();
        assertThat(clusterMetrics).containsKey(D1 + " auc");
        assertThat(clusterSegments).isNotEmpty();
        assertThat(clusterDrift).isNotEmpty();
        assertThat(clusterQuality).isNotEmpty();

        // the second night again in local mode, scored by the same champion (it re-evaluates the first night too)
        local = true;
        try {
            RunRecord run = runs.run(new RunRequest(PIPELINE, D2, RunTrigger.CLI, true, "test"));
            assertThat(run.status()).as(run.error()).isEqualTo("COMPLETED");
        } finally {
            local = false;
        }
        assertThat(localSubmissions.get()).as("the data and the reference night ran in local mode").isEqualTo(2);
        assertThat(SCRATCH).as("the cluster drivers' scratch folders, each deleted when its application ended").isEmptyDirectory();
        assertThat(registry.list(PIPELINE)).hasSize(1);

        Map<String, double[]> localScores = scores();
        assertThat(localScores.keySet()).isEqualTo(clusterScores.keySet());
        localScores.forEach((k, v) -> {
            assertThat(v[0]).as(k).isCloseTo(clusterScores.get(k)[0], within(1e-12));
            assertThat(v[1]).as(k).isEqualTo(clusterScores.get(k)[1]);
        });
        assertSame(clusterMetrics, numbers("SELECT business_date || ' ' || metric AS k, value FROM model_metrics WHERE pipeline = ?"));
        assertSame(clusterSegments, numbers("SELECT business_date || ' ' || segment_value || ' ' || metric AS k, value"
                + " FROM model_segment_metrics WHERE pipeline = ?"));
        assertSame(clusterDrift, numbers("SELECT business_date || ' ' || feature || ' ' || method AS k, statistic AS value"
                + " FROM feature_drift WHERE pipeline = ?"));
        assertSame(clusterQuality, numbers("SELECT business_date || ' ' || check_name || ' ' || coalesce(column_name, '') AS k,"
                + " value FROM data_quality WHERE pipeline = ?"));
    }

    /**
     * Runs the night of {@code date} on the cluster and, once its application has executors, kills one worker (and with
     * it its executor). If Spark cannot finish the night on the remaining worker, the failed step is restarted.
     */
    private RunRecord nightWithAWorkerKilled(LocalDate date) throws Exception {
        CompletableFuture<RunRecord> night = CompletableFuture.supplyAsync(
                () -> runs.run(new RunRequest(PIPELINE, date, RunTrigger.CLI, false, "test")));
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!masterJson().replace(" ", "").contains("\"activeapps\":[{") && System.nanoTime() < deadline && !night.isDone()) {
            Thread.sleep(200);
        }
        assertThat(night.isDone()).as("the night ended before the worker could be killed").isFalse();
        // the night's driver (client mode, on this host) keeps its block manager's files in its own scratch folder
        try (var blockManagers = Files.find(SCRATCH, 2, (p, a) -> p.getFileName().toString().startsWith("blockmgr-"))) {
            assertThat(blockManagers.count()).as("the driver's block manager folder under " + SCRATCH).isPositive();
        }
        Thread.sleep(6000);
        long worker = Long.parseLong(Files.readString(CLUSTER_DIR.resolve("worker-1.pid")).strip());
        ProcessHandle.of(worker).orElseThrow().destroyForcibly();
        ProcessHandle.of(worker).ifPresent(h -> h.onExit().join());

        // the killed worker could not delete its executor's local files: they are in its own folder (SPARK_LOCAL_DIRS,
        // scripts/spark-cluster), not in /tmp
        try (var executorDirs = Files.find(CLUSTER_DIR.resolve("worker-1/local"), 2, (p, a) -> p.getFileName().toString().startsWith("executor-"))) {
            assertThat(executorDirs.count()).as("the killed worker's executor folders under " + CLUSTER_DIR.resolve("worker-1/local")).isPositive();
        }

        RunRecord run = night.get();
        if (!"COMPLETED".equals(run.status())) {
            run = runs.run(new RunRequest(PIPELINE, date, RunTrigger.CLI, false, "test"));
        }
        return run;
    }

    private static void assertSame(Map<String, Double> expected, Map<String, Double> actual) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        actual.forEach((k, v) -> assertThat(v).as(k).isCloseTo(expected.get(k), within(1e-9 * Math.max(1.0, Math.abs(expected.get(k))))));
    }

    /** (date entity) -> (score, prediction) of the published predictions. */
    private Map<String, double[]> scores() {
        Map<String, double[]> out = new HashMap<>();
        jdbc.sql("SELECT business_date, entity_id, score, prediction FROM predictions WHERE pipeline = ?").param(PIPELINE)
                .query(rs -> {
                    double[] previous = out.put(rs.getObject(1, LocalDate.class) + " " + rs.getString(2),
                            new double[] {rs.getDouble(3), rs.getDouble(4)});
                    assertThat(previous).as("duplicate prediction").isNull();
                });
        return out;
    }

    private Map<String, Double> numbers(String sql) {
        Map<String, Double> out = new HashMap<>();
        jdbc.sql(sql).param(PIPELINE).query(rs -> {
            out.put(rs.getString("k"), rs.getDouble("value"));
        });
        return out;
    }

    private static String masterJson() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + UI_PORT + "/json/")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("the standalone Master's web UI does not answer on port " + UI_PORT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs scripts/spark-cluster ACTION for this test's cluster (its own ports and folder); fails on a non-zero exit. */
    static void cluster(String action) {
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("scripts/spark-cluster").toString(), action)
                    .redirectErrorStream(true);
            pb.environment().put("SPARK_MASTER_PORT", Integer.toString(MASTER_PORT));
            pb.environment().put("SPARK_MASTER_WEBUI_PORT", Integer.toString(UI_PORT));
            pb.environment().put("SPARK_WORKERS", "2");
            pb.environment().put("SPARK_WORKER_CORES", "1");
            pb.environment().put("SPARK_WORKER_MEMORY", "1g");
            pb.environment().put("NIGHTSHIFT_CLUSTER_DIR", CLUSTER_DIR.toString());
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("scripts/spark-cluster " + action + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run scripts/spark-cluster " + action, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path home() {
        try {
            return Files.createTempDirectory("nightshift-cluster-it-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
