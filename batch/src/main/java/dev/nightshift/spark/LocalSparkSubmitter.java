package dev.nightshift.spark;

import dev.nightshift.database.DatabaseEndpoint;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Spark application the way {@code spark-submit} does, as a child JVM executing
 * {@code org.apache.spark.deploy.SparkSubmit} on the spark-jobs jar and its dependencies; the orchestrator's JVM
 * never hosts Spark. Credentials go through the child's environment, never its command line.
 */
public final class LocalSparkSubmitter implements ManagedSparkSubmitter {
    private static final Logger log = LoggerFactory.getLogger(LocalSparkSubmitter.class);
    private static final String SPARK_SUBMIT = "org.apache.spark.deploy.SparkSubmit";
    private static final String LOCAL_DIR = "spark.local.dir";

    private final SparkClasspath classpath;
    private final String master;
    private final String driverMemory;
    private final Map<String, String> conf;
    private final DatabaseEndpoint database;
    private final String version;
    private volatile boolean closing;
    private final java.util.Set<Process> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final List<String> javaOptions;
    private final ClassDataSharing cds;
    private final SparkScratch scratch;

    public LocalSparkSubmitter(SparkClasspath classpath, String master, String driverMemory, Map<String, String> conf,
                               DatabaseEndpoint database, String version) {
        this(classpath, master, driverMemory, List.of(), conf, database, version, null);
    }

    /** {@code javaOptions}: extra options of the driver JVM, after Spark's module flags and before -Xmx. */
    public LocalSparkSubmitter(SparkClasspath classpath, String master, String driverMemory, List<String> javaOptions,
                               Map<String, String> conf, DatabaseEndpoint database, String version) {
        this(classpath, master, driverMemory, javaOptions, conf, database, version, null);
    }

    /**
     * {@code cdsDir}: where the class-data sharing archives of the Spark JVMs live ({@link ClassDataSharing}); {@code null}
     * turns them off.
     */
    public LocalSparkSubmitter(SparkClasspath classpath, String master, String driverMemory, List<String> javaOptions,
                               Map<String, String> conf, DatabaseEndpoint database, String version, Path cdsDir) {
        this(classpath, master, driverMemory, javaOptions, conf, database, version, cdsDir, SparkScratch.defaultRoot());
    }

    /**
     * {@code scratchDir}: the root of the applications' scratch folders ({@link SparkScratch}); each run gets a folder
     * of its own there, deleted when its JVM has exited.
     */
    public LocalSparkSubmitter(SparkClasspath classpath, String master, String driverMemory, List<String> javaOptions,
                               Map<String, String> conf, DatabaseEndpoint database, String version, Path cdsDir, Path scratchDir) {
        if (conf.containsKey(LOCAL_DIR)) {
            throw new IllegalArgumentException("nightshift.spark.conf." + LOCAL_DIR + ": with a local master each Spark application gets a folder"
                    + " of its own under nightshift.spark.scratch-dir, deleted when it ends; set that instead");
        }
        this.scratch = new SparkScratch(scratchDir);
        this.cds = cdsDir == null ? ClassDataSharing.off() : ClassDataSharing.in(cdsDir);
        this.javaOptions = List.copyOf(javaOptions);
        this.classpath = classpath;
        this.master = master;
        this.driverMemory = driverMemory;
        this.conf = Map.copyOf(conf);
        this.database = database;
        this.version = version;
    }

    @Override
    public SparkResult submit(SparkApplication app) {
        if (closing) {
            throw JobErrors.shuttingDown(app);
        }
        classpath.verified();
        // also here, not only at start: a long-lived `serve` outlives the children of an instance that died beside it
        scratch.sweepAndLog();
        Path folder;
        try {
            folder = scratch.create(app.name());
        } catch (IOException | RuntimeException e) {
            throw new SparkJobFailedException(app.name(), null, false, "cannot create the scratch folder of " + app.name() + " under "
                    + scratch.root() + ": " + e);
        }
        Path errorFile = folder.resolve("error");
        ClassDataSharing.Plan sharing = cds.plan(app.mainClass(), classpath, javaOptions);
        List<String> command = command(app, sharing.jvmOptions(), folder);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.putAll(JobErrors.environment(database, version, errorFile, app));
        env.putAll(app.environment());
        env.put(dev.nightshift.contract.JobEnvironment.STAGE_PROGRESS, "stderr");
        // Spark's local directories (block manager, shuffle, spills): this variable wins over spark.local.dir in
        // local mode, and over one the orchestrator's own environment may carry.
        env.put("SPARK_LOCAL_DIRS", folder.toString());
        // A local master needs no network beyond loopback; this also silences Spark's hostname warning.
        env.putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
        long start = System.nanoTime();
        log.info("Submitting Spark application {} ({} {})", app.name(), app.mainClass(), String.join(" ", app.args()));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            cds.finish(sharing, false, false);
            SparkScratch.discard(folder, app.name());
            throw new SparkJobFailedException(app.name(), null, false, "cannot start the Spark JVM for " + app.name() + ": " + e.getMessage());
        }
        try {
            SparkScratch.claim(folder, process.toHandle());
        } catch (IOException e) {
            // unclaimed, a sweep would take the folder from under the JVM after SparkScratch.UNCLAIMED
            kill(process);
            cds.finish(sharing, false, false);
            SparkScratch.discard(folder, app.name());
            throw new SparkJobFailedException(app.name(), null, false, "cannot claim the scratch folder " + folder + " of " + app.name()
                    + "; its Spark JVM was killed: " + e);
        }
        live.add(process);
        boolean succeeded = false;
        boolean unexplained = true;
        Thread pump = streamOutput(app.name(), process);
        try {
            boolean finished = process.waitFor(app.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                kill(process);
                throw new SparkJobFailedException(app.name(), null, true,
                        "Spark application " + app.name() + " did not finish within " + app.timeout() + " and was killed");
            }
            pump.join(TimeUnit.SECONDS.toMillis(10));
            int exit = process.exitValue();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (exit != 0 && closing) {
                unexplained = false;
                throw new SparkJobFailedException(app.name(), exit, false, "Spark application " + app.name()
                        + " was stopped because the orchestrator shut down", List.of(SHUTDOWN));
            }
            if (exit != 0) {
                List<String> lines = JobErrors.read(errorFile);
                unexplained = lines.isEmpty();
                String jobError = String.join("; ", lines);
                List<String> classes = JobErrors.classes(lines);
                throw new SparkJobFailedException(app.name(), exit, false, "Spark application " + app.name() + " failed (exit code " + exit + ")"
                        + (jobError.isEmpty() ? "; it reported no error (killed?), see the log above" : ": " + jobError), classes);
            }
            log.info("Spark application {} finished in {} s", app.name(), elapsed.toMillis() / 1000.0);
            succeeded = true;
            return new SparkResult(app.name(), exit, elapsed);
        } catch (InterruptedException e) {
            unexplained = false;
            kill(process);
            Thread.currentThread().interrupt();
            throw new SparkJobFailedException(app.name(), null, false, "interrupted while waiting for " + app.name() + "; the Spark JVM was killed");
        } finally {
            live.remove(process);
            cds.finish(sharing, succeeded, unexplained);
            SparkScratch.discard(folder, app.name());
        }
    }

    /**
     * Deletes the scratch folders of Spark JVMs that are gone, such as those of an orchestrator killed with its children.
     * Called as the orchestrator starts (creating the root, or failing naming it), and before every submission;
     * returns how many folders it removed.
     */
    public int sweepScratch() {
        scratch.prepare();
        return scratch.sweepAndLog();
    }

    /** Accepts submissions again after {@link #stopAll} (a stopped context that is started again). */
    @Override
    public void reopen() {
        closing = false;
    }

    @Override
    public SparkClasspath classpath() {
        return classpath;
    }

    @Override
    public String master() {
        return master;
    }

    /** Stops every Spark JVM still running (SIGTERM, then SIGKILL after {@code grace}); their steps fail. */
    @Override
    public int stopAll(Duration grace) {
        closing = true;
        List<Process> running = new ArrayList<>(live);
        running.forEach(Process::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (Process p : running) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    kill(p);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill(p);
            }
        }
        return running.size();
    }

    List<String> command(SparkApplication app) {
        return command(app, List.of(), scratch.root().resolve(app.name()));
    }

    private List<String> command(SparkApplication app, List<String> sharingOptions, Path folder) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptions().split("\\s+")));
        cmd.addAll(javaOptions);
        cmd.addAll(sharingOptions);
        cmd.add("-Xmx" + driverMemory);
        cmd.add("-Dlog4j2.configurationFile=classpath:nightshift-spark-log4j2.properties");
        // Everything else a library puts in the temporary directory (Hadoop, Parquet, native libraries) goes there too.
        cmd.add("-Djava.io.tmpdir=" + folder);
        cmd.add("-cp");
        cmd.add(classpath.jobsJar() + File.pathSeparator + classpath.libDir().resolve("*"));
        cmd.add(SPARK_SUBMIT);
        cmd.add("--master");
        cmd.add(master);
        cmd.add("--name");
        cmd.add("nightshift-" + app.name());
        cmd.add("--conf");
        cmd.add("spark.ui.enabled=false");
        // Stage progress for `nightshift run` / `backfill` (see SparkStageProgress) comes from the job's own listener
        // (JobEnvironment.STAGE_PROGRESS), which reports every stage; Spark's console bar shows only those running longer
        // than half a second, and would print the same stages twice.
        cmd.add("--conf");
        cmd.add("spark.ui.showConsoleProgress=false");
        conf.forEach((k, v) -> {
            cmd.add("--conf");
            cmd.add(k + "=" + v);
        });
        cmd.add("--class");
        cmd.add(app.mainClass());
        cmd.add(classpath.jobsJar().toString());
        cmd.addAll(app.args());
        return cmd;
    }

    private static Thread streamOutput(String name, Process process) {
        Logger sparkLog = LoggerFactory.getLogger("spark." + name);
        Thread t = new Thread(dev.nightshift.runs.RunLogContext.propagate(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    // Spark's console progress bar rewrites one line with \r: a stream of updates, not log lines.
                    if (SparkStageProgress.isProgressLine(line)) {
                        SparkStageProgress.publish(name, line);
                    } else {
                        sparkLog.info("{}", line);
                    }
                }
            } catch (IOException e) {
                // The stream closes when the child is killed; its exit code tells what happened.
                sparkLog.debug("output stream closed: {}", e.getMessage());
            }
        }), "spark-output-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
