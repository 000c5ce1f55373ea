package dev.nightshift.spark;

import dev.nightshift.contract.JobEnvironment;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
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
        try {
            A args = parser.apply(rawArgs);
            spark = SparkSessions.create(appName);
            body.run(spark, args);
        } catch (Throwable t) {
            failure = t;
        } finally {
            if (spark != null) {
                try {
                    spark.stop();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
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

    // SparkSubmit would report an exception thrown out of main, but non-daemon threads (JDBC, Delta log
    // checkpointing, a cluster client) could keep the JVM alive: exit explicitly so the status is always 1.
    private static void reportAndExit(String appName, Throwable failure) {
        String errorFile = System.getenv(JobEnvironment.ERROR_FILE);
        if (errorFile != null && !errorFile.isBlank()) {
            try {
                FailureReport.write(Path.of(errorFile), failure);
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
        System.err.println(appName + " failed:");
        failure.printStackTrace();
        System.err.flush();
        System.exit(1);
    }
}
