package dev.nightshift.spark;

import dev.nightshift.database.DatabaseEndpoint;
import dev.nightshift.config.NightshiftProperties;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Submits the jobs to a Spark cluster ({@code spark://}, {@code yarn}, {@code k8s://}) exactly as {@code spark-submit}
 * does: through {@link SparkLauncher}, which runs {@code bin/spark-submit} of a Spark home (by default the one Maven
 * builds in spark-jobs/target/spark-home from the jobs' own Spark jars) and follows the application's state
 * (submitted, running, finished, failed, killed). The jobs jar is the application resource; the Delta and JDBC jars the
 * jobs need travel with it ({@code spark.jars}), so the cluster needs only Spark itself.
 *
 * <p>Database credentials reach the driver through the environment of {@code spark-submit}, never its arguments or
 * Spark conf (which Spark's UI and event logs show); executors receive them inside the serialized tasks that write to
 * PostgreSQL. In client mode the driver runs here and reports a failure through the error file, as local jobs do; in
 * cluster mode only the application's final state is known here, and the driver's log is on the cluster.
 */
public final class ClusterSparkSubmitter implements ManagedSparkSubmitter {
    private static final Logger log = LoggerFactory.getLogger(ClusterSparkSubmitter.class);
    /** The Delta (with its kernel and Unity Catalog client) and JDBC jars of the library folder every job needs on the cluster. */
    private static final List<String> JOB_LIBRARIES = List.of("delta-", "unitycatalog-", "postgresql-");

    private final SparkClasspath classpath;
    private final Path sparkHome;
    private final NightshiftProperties.Spark settings;
    private final DatabaseEndpoint database;
    private final String version;
    private final Set<SparkAppHandle> live = ConcurrentHashMap.newKeySet();
    private final SparkScratch scratch;
    private volatile boolean closing;

    public ClusterSparkSubmitter(SparkClasspath classpath, Path sparkHome, NightshiftProperties.Spark settings,
                                 DatabaseEndpoint database, String version) {
        if (settings.local()) {
            throw new IllegalArgumentException("master " + settings.master() + " is local; use LocalSparkSubmitter");
        }
        if (!settings.deployMode().equals("client") && !settings.deployMode().equals("cluster")) {
            throw new IllegalArgumentException("nightshift.spark.deploy-mode=" + settings.deployMode() + "; expected client or cluster");
        }
        this.classpath = classpath;
        this.sparkHome = sparkHome;
        this.settings = settings;
        this.database = database;
        this.version = version;
        this.scratch = new SparkScratch(SparkScratch.root(settings));
    }

    /**
     * Client mode: deletes the scratch folders of drivers whose orchestrator is gone (a driver follows its orchestrator
     * out). Called as the orchestrator starts and before each client-mode submission.
     */
    public void sweepScratch() {
        if (!settings.deployMode().equals("client")) {
            return;
        }
        scratch.prepare();
        scratch.sweepAndLog();
    }

    @Override
    public SparkResult submit(SparkApplication app) {
        if (closing) {
            throw JobErrors.shuttingDown(app);
        }
        classpath.verified();
        verifySparkHome();
        boolean client = settings.deployMode().equals("client");
        // Client mode: the driver runs on this host, in a scratch folder of its own as a local master's JVM does (its
        // block manager's files, the error file). The driver cannot be claimed by its pid (SparkLauncher does not give
        // it), so this process claims the folder: kept while it lives, and the driver exits when it does.
        Path folder = null;
        try {
            if (client) {
                sweepScratch();
                folder = scratch.create(app.name());
                SparkScratch.claim(folder, ProcessHandle.current());
            }
            return run(app, folder);
        } catch (IOException e) {
            throw new SparkJobFailedException(app.name(), null, false, "cannot start " + app.name() + " through "
                    + sparkHome.resolve("bin/spark-submit") + ": " + e.getMessage());
        } finally {
            if (folder != null) {
                SparkScratch.discard(folder, app.name());
            }
        }
    }

    private SparkResult run(SparkApplication app, Path folder) throws IOException {
        Path errorFile = folder == null ? null : folder.resolve("error");
        // spark-submit's output is logged through java.util.logging under this name (SparkLauncher.redirectToLog): in
        // client mode, the driver's stage progress lines go to SparkStageProgress instead of the log
        java.util.logging.Logger output = java.util.logging.Logger.getLogger("spark." + app.name());
        java.util.logging.Filter previous = output.getFilter();
        output.setFilter(r -> {
            String line = r.getMessage();
            if (line != null && SparkStageProgress.isProgressLine(line)) {
                SparkStageProgress.publish(app.name(), line);
                return false;
            }
            return previous == null || previous.isLoggable(r);
        });
        try {
            return run(app, errorFile, launcher(app, folder));
        } finally {
            output.setFilter(previous);
        }
    }

    private SparkResult run(SparkApplication app, Path errorFile, SparkLauncher launcher) throws IOException {
        CountDownLatch ended = new CountDownLatch(1);
        long start = System.nanoTime();
        log.info("Submitting Spark application {} to {} ({} mode): {} {}", app.name(), settings.master(), settings.deployMode(),
                app.mainClass(), String.join(" ", app.args()));
        SparkAppHandle handle = launcher.startApplication(new SparkAppHandle.Listener() {
            @Override
            public void stateChanged(SparkAppHandle h) {
                log.info("Spark application {} ({}): {}", app.name(), h.getAppId() == null ? "no id yet" : h.getAppId(), h.getState());
                if (h.getState().isFinal()) {
                    ended.countDown();
                }
            }

            @Override
            public void infoChanged(SparkAppHandle h) {
                // the application id arrives here; it is logged with the next state
            }
        });
        live.add(handle);
        try {
            if (!ended.await(app.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                kill(handle);
                throw new SparkJobFailedException(app.name(), null, true, "Spark application " + app.name() + " (" + handle.getAppId()
                        + ") did not finish within " + app.timeout() + " and was killed");
            }
        } catch (InterruptedException e) {
            kill(handle);
            Thread.currentThread().interrupt();
            throw new SparkJobFailedException(app.name(), null, false, "interrupted while waiting for " + app.name() + "; it was killed");
        } finally {
            live.remove(handle);
        }
        SparkAppHandle.State state = handle.getState();
        List<String> lines = JobErrors.read(errorFile);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (state == SparkAppHandle.State.FINISHED && lines.isEmpty()) {
            log.info("Spark application {} ({}) finished in {} s", app.name(), handle.getAppId(), elapsed.toMillis() / 1000.0);
            return new SparkResult(app.name(), 0, elapsed);
        }
        if (closing) {
            throw new SparkJobFailedException(app.name(), null, false, "Spark application " + app.name()
                    + " was stopped because the orchestrator shut down", List.of(SHUTDOWN));
        }
        String detail = !lines.isEmpty() ? ": " + String.join("; ", lines)
                : errorFile == null ? "; see the driver's log on the cluster" : "; it reported no error (killed, or lost?), see the log above";
        throw new SparkJobFailedException(app.name(), null, false, "Spark application " + app.name() + " (" + handle.getAppId()
                + ") ended " + state + detail, JobErrors.classes(lines));
    }

    /** {@code folder}: in client mode, the driver's scratch folder (it runs on this host, as spark-submit's JVM); else null. */
    SparkLauncher launcher(SparkApplication app, Path folder) {
        Path errorFile = folder == null ? null : folder.resolve("error");
        Map<String, String> env = JobErrors.environment(database, version, errorFile, app);
        env.putAll(app.environment());
        if (folder != null) {
            // the driver's output comes back here (redirectToLog): its stage progress lines feed SparkStageProgress
            env.put(dev.nightshift.contract.JobEnvironment.STAGE_PROGRESS, "stderr");
            // the driver's local directories (block manager, spills): wins over spark.local.dir outside YARN
            env.put("SPARK_LOCAL_DIRS", folder.toString());
        }
        SparkLauncher launcher = new SparkLauncher(env)
                .setSparkHome(sparkHome.toString())
                .setJavaHome(System.getProperty("java.home"))
                .setMaster(settings.master())
                .setDeployMode(settings.deployMode())
                .setAppName("nightshift-" + app.name())
                .setAppResource(classpath.jobsJar().toString())
                .setMainClass(app.mainClass())
                .redirectToLog("spark." + app.name())
                .addAppArgs(app.args().toArray(String[]::new));
        conf(app).forEach(launcher::setConf);
        jars(app).forEach(launcher::addJar);
        return launcher;
    }

    /** The Spark conf of an application: Nightshift's defaults, then the global conf, then the pipeline's. */
    Map<String, String> conf(SparkApplication app) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.ui.enabled", "false");
        conf.put(SparkLauncher.DRIVER_MEMORY, settings.driverMemory());
        List<String> driverOptions = new ArrayList<>(List.of("-Dlog4j2.configurationFile=classpath:nightshift-spark-log4j2.properties"));
        driverOptions.addAll(settings.javaOptions());
        conf.put(SparkLauncher.DRIVER_EXTRA_JAVA_OPTIONS, String.join(" ", driverOptions));
        if (settings.executorMemory() != null) {
            conf.put(SparkLauncher.EXECUTOR_MEMORY, settings.executorMemory());
        }
        if (settings.executorCores() != null) {
            conf.put(SparkLauncher.EXECUTOR_CORES, settings.executorCores().toString());
        }
        if (settings.totalExecutorCores() != null) {
            conf.put("spark.cores.max", settings.totalExecutorCores().toString());
        }
        if (settings.deployMode().equals("cluster")) {
            // Standalone cluster mode: spark-submit waits for the driver, so its exit tells the outcome.
            conf.put("spark.standalone.submit.waitAppCompletion", "true");
        } else {
            // The jobs jar on the driver JVM's own classpath from the start, so that its log configuration applies.
            conf.put(SparkLauncher.DRIVER_EXTRA_CLASSPATH, classpath.jobsJar().toString());
        }
        conf.putAll(settings.conf());
        NightshiftProperties.PipelineSpark pipeline = app.pipeline() == null ? null : settings.pipelines().get(app.pipeline());
        if (pipeline != null) {
            conf.putAll(pipeline.conf());
        }
        return conf;
    }

    /** The Delta and JDBC jars from the library folder, then the configured jars, then the pipeline's. */
    List<String> jars(SparkApplication app) {
        Set<String> jars = new LinkedHashSet<>();
        try (Stream<Path> files = Files.list(classpath.libDir())) {
            files.filter(f -> JOB_LIBRARIES.stream().anyMatch(prefix -> f.getFileName().toString().startsWith(prefix)))
                    .sorted().forEach(f -> jars.add(f.toAbsolutePath().toString()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the Spark library folder " + classpath.libDir() + ": " + e.getMessage(), e);
        }
        jars.addAll(settings.jars());
        NightshiftProperties.PipelineSpark pipeline = app.pipeline() == null ? null : settings.pipelines().get(app.pipeline());
        if (pipeline != null) {
            jars.addAll(pipeline.jars());
        }
        return new ArrayList<>(jars);
    }

    private void verifySparkHome() {
        Path submit = sparkHome.resolve("bin").resolve("spark-submit");
        if (!Files.isExecutable(submit) || !Files.isDirectory(sparkHome.resolve("jars"))) {
            throw new IllegalStateException("no Spark home at " + sparkHome + " (expected bin/spark-submit and jars/); build it with:"
                    + " mvn -q -DskipTests package, or set nightshift.spark.spark-home to an installation of the Spark version the"
                    + " jobs are built with");
        }
    }

    @Override
    public SparkClasspath classpath() {
        return classpath;
    }

    @Override
    public String master() {
        return settings.master();
    }

    @Override
    public int stopAll(Duration grace) {
        closing = true;
        List<SparkAppHandle> running = new ArrayList<>(live);
        for (SparkAppHandle h : running) {
            try {
                h.stop();
            } catch (IllegalStateException e) {
                // not connected yet (still starting): only a kill can end it
                log.debug("cannot ask {} to stop: {}", h.getAppId(), e.getMessage());
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (SparkAppHandle h : running) {
            while (!h.getState().isFinal() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!h.getState().isFinal()) {
                kill(h);
            }
        }
        return running.size();
    }

    @Override
    public void reopen() {
        closing = false;
    }

    private static void kill(SparkAppHandle handle) {
        log.warn("killing Spark application {}", handle.getAppId());
        handle.kill();
    }
}
