package dev.nightshift.spark;

import dev.nightshift.contract.JobEnvironment;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code main} of every job: parse the arguments, build the session, run, and on failure leave the
 * error file named by {@link JobEnvironment#ERROR_FILE} and exit with status 1.
 */
public final class JobMain {

    /** The body of a job, given its parsed arguments and the session. */
    @FunctionalInterface
    public interface Body<A> {
        void run(SparkSession spark, A args) throws Exception;
    }

    private JobMain() {
    }

    public static <A> void run(String appName, String[] rawArgs, Function<String[], A> parser, Body<A> body) {
        SparkSession spark = null;
        Throwable failure = null;
        followParent(appName);
        try {
            A args = parser.apply(rawArgs);
            spark = SparkSessions.create(appName);
            if ("stderr".equals(System.getenv(JobEnvironment.STAGE_PROGRESS))) {
                spark.sparkContext().addSparkListener(new StageProgressListener(System.err));
            }
            body.run(spark, args);
        } catch (Throwable t) {
            failure = t;
            // Before the session stops: a cluster submitter learns the outcome when the context stops (SparkLauncher's
            // FINISHED), and must find the error by then.
            writeErrorFile(failure);
        } finally {
            if (spark != null) {
                try {
                    spark.stop();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                        writeErrorFile(e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            reportAndExit(appName, failure);
        }
    }

    /** Exits at once when the orchestrator named by {@link JobEnvironment#PARENT_PID} no longer exists. */
    static void followParent(String appName) {
        String pid = System.getenv(JobEnvironment.PARENT_PID);
        if (pid == null || pid.isBlank()) {
            return;
        }
        Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid.trim()));
        Thread watcher = new Thread(() -> {
            while (parent.map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            // Every write of a job commits atomically, so dying mid-way leaves the previous result in place.
            System.err.println(appName + ": orchestrator process " + pid + " is gone; exiting");
            System.err.flush();
            Runtime.getRuntime().halt(3);
        }, "nightshift-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Leaves the failure in the error file the orchestrator named, if it named one. */
    private static void writeErrorFile(Throwable failure) {
        String errorFile = System.getenv(JobEnvironment.ERROR_FILE);
        if (errorFile != null && !errorFile.isBlank()) {
            try {
                FailureReport.write(Path.of(errorFile), failure);
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    // SparkSubmit would report an exception thrown out of main, but non-daemon threads (JDBC, Delta log
    // checkpointing, a cluster client) could keep the JVM alive: exit explicitly so the status is always 1.
    private static void reportAndExit(String appName, Throwable failure) {
        System.err.println(appName + " failed:");
        failure.printStackTrace();
        System.err.flush();
        System.exit(1);
    }
}
