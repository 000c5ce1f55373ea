package dev.nightshift.faults;

import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.database.DatabaseEndpoint;
import dev.nightshift.spark.LocalSparkSubmitter;
import dev.nightshift.spark.SparkApplication;
import dev.nightshift.spark.SparkClasspath;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Drives the packaged app as real processes against one PostgreSQL, the way an operator (or a crash) would: start
 * commands, kill them with SIGKILL, and look at the database. Everything stays on this machine and is bounded in time.
 */
final class NightshiftProcesses implements AutoCloseable {
    /** The extracted app, as scripts/nightshift starts it (see the pom's app-class-data-sharing). */
    static final Path APP_JAR = Path.of(System.getProperty("nightshift.app-jar"));
    /** The class-data sharing archive of the app's classes that the build wrote next to it; null when it has none. */
    static final Path APP_CDS = Files.isRegularFile(APP_JAR.resolveSibling("nightshift.jsa")) ? APP_JAR.resolveSibling("nightshift.jsa") : null;
    static final Path INSTALL = Path.of(System.getProperty("nightshift.install")).toAbsolutePath().normalize();
    /** Class-data sharing archives shared by every Spark JVM of the fault tests (see the pom). */
    static final String CDS = System.getProperty("nightshift.spark.class-data-sharing");

    private EmbeddedPostgres postgres;
    private int port;
    private final Path workDir;
    private final List<Process> started = new ArrayList<>();
    private int counter;

    NightshiftProcesses() throws IOException {
        this.workDir = Files.createTempDirectory("nightshift-faults-");
        this.postgres = EmbeddedPostgres.builder().setDataDirectory(workDir.resolve("pg")).setCleanDataDirectory(false).start();
        this.port = postgres.getPort();
    }

    /** Stops the database server, keeps it down for {@code down}, and starts it again on the same port and data. */
    void restartDatabase(Duration down) throws IOException, InterruptedException {
        postgres.close();
        Thread.sleep(down.toMillis());
        postgres = EmbeddedPostgres.builder().setDataDirectory(workDir.resolve("pg")).setCleanDataDirectory(false).setPort(port).start();
    }

    Path workDir() {
        return workDir;
    }

    /** The root of the orchestrators' Spark scratch folders ({@code nightshift.spark.scratch-dir}). */
    Path scratch() {
        return workDir.resolve("scratch");
    }

    /** The scratch folders under {@link #scratch()}, by name. */
    List<String> scratchFolders() throws IOException {
        if (!Files.isDirectory(scratch())) {
            return List.of();
        }
        try (var folders = Files.list(scratch())) {
            return folders.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    String warehouse() {
        return workDir.resolve(".nightshift/warehouse").toUri().toString();
    }

    DatabaseEndpoint database() {
        return new DatabaseEndpoint("jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres", "postgres", "", false);
    }

    /** Generates the synthetic churn data directly through the Spark submitter (no orchestrator needed). */
    void generateChurn(LocalDate from, LocalDate to, long entities) {
        LocalSparkSubmitter submitter = new LocalSparkSubmitter(
                new SparkClasspath(INSTALL.resolve("spark-jobs/target/nightshift-spark-jobs.jar"), INSTALL.resolve("spark-jobs/target/spark-lib")),
                "local[2]", "1g", List.of(dev.nightshift.IntegrationTest.SMALL_DATA_JVM.split(",")), Map.of(), database(), "test",
                CDS == null ? null : Path.of(CDS));
        submitter.submit(new SparkApplication("generate", GenerateDataArgs.JOB_CLASS,
                new GenerateDataArgs("churn", warehouse(), from, to, entities, 5, null, 0, 0, 7).toArgs(), Duration.ofMinutes(5)));
    }

    /** Starts {@code nightshift ARGS...}; its output goes to a log file under the work folder. */
    Process start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** Starts {@code nightshift ARGS...} with extra JVM system properties ({@code -Dkey=value}). */
    Process start(List<String> jvmProperties, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:TieredStopAtLevel=1",   // a short-lived orchestrator on test data: C1 is enough (see the surefire argLine)
                "-Dnightshift.instance.heartbeat-interval=1s",
                "-Dnightshift.instance.lease=20s",
                "-Dnightshift.spark.driver-memory=1g",
                "-Dnightshift.spark.java-options=" + dev.nightshift.IntegrationTest.SMALL_DATA_JVM,
                "-Dnightshift.spark.class-data-sharing=" + (CDS == null ? "off" : CDS),
                "-Dnightshift.spark.scratch-dir=" + scratch(),
                "-Dserver.port=0",
                "-Dnightshift.spark.retry-backoff=2s",
                "-Dspring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=2000"));
        if (APP_CDS != null) {
            cmd.add("-XX:SharedArchiveFile=" + APP_CDS);
        }
        cmd.addAll(jvmProperties);
        cmd.addAll(List.of("-jar", APP_JAR.toString()));
        cmd.addAll(List.of(args));
        Path log = workDir.resolve("logs/" + (++counter) + "-" + String.join("-", args).replaceAll("[^A-Za-z0-9.-]", "_") + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("NIGHTSHIFT_DB_URL", database().url());
        pb.environment().put("NIGHTSHIFT_DB_USER", "postgres");
        pb.environment().put("NIGHTSHIFT_DB_PASSWORD", "");
        pb.environment().put("NIGHTSHIFT_INSTALL", INSTALL.toString());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** Runs a command to its end; fails the test if it takes longer than the bound. */
    Result run(Duration bound, String... args) throws IOException, InterruptedException {
        return run(bound, List.of(), args);
    }

    Result run(Duration bound, List<String> jvmProperties, String... args) throws IOException, InterruptedException {
        Process p = start(jvmProperties, args);
        if (!p.waitFor(bound.toSeconds(), TimeUnit.SECONDS)) {
            kill(p);
            throw new AssertionError("nightshift " + String.join(" ", args) + " did not finish within " + bound);
        }
        return new Result(p.exitValue(), lastLog());
    }

    String lastLog() throws IOException {
        try (var files = Files.list(workDir.resolve("logs"))) {
            Path newest = files.max(java.util.Comparator.comparingLong(f -> f.toFile().lastModified())).orElseThrow();
            return Files.readString(newest, StandardCharsets.UTF_8);
        }
    }

    /** SIGKILL: no shutdown hook, no clean-up, like a power cut of that process. */
    static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    static void killPid(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Sends a signal ({@code STOP}, {@code CONT}, ...) to a process with {@code kill -SIG pid}. */
    static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed: " + out);
        }
    }

    /**
     * The live Spark JVMs of this work folder's nights (their warehouse is in it) running {@code jobClass} with
     * {@code argument}: other test classes run nights of the same job and dates beside this one.
     */
    List<ProcessHandle> sparkChildren(String jobClass, String argument) {
        String mine = workDir.toString();
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains("org.apache.spark.deploy.SparkSubmit") && c.contains(jobClass)
                        && c.contains(argument) && c.contains(mine)).orElse(false))
                .toList();
    }

    static void await(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out after " + bound + " waiting for: " + what);
    }

    long count(String sql, Object... params) {
        return ((Number) queryOne(sql, params)).longValue();
    }

    Object queryOne(String sql, Object... params) {
        List<Object> rows = column(sql, params);
        return rows.isEmpty() ? null : rows.get(0);
    }

    List<Object> column(String sql, Object... params) {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
             var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Object> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getObject(1));
                }
                return out;
            }
        } catch (SQLException e) {
            // Before the first command migrated the schema, or while the server restarts: no rows yet.
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                return List.of();
            }
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws IOException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : started) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        postgres.close();
    }

    record Result(int exitCode, String output) {
    }
}
