package dev.nightshift.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What both submitters share with the job they start: its environment (credentials, the error file, the orchestrator's
 * pid) and the error file a failed job leaves (one "Class: message" line per cause, outermost first).
 */
final class JobErrors {

    private JobErrors() {
    }

    /**
     * The environment of a job's driver: database endpoint, the name its connections carry
     * ({@link dev.nightshift.database.ApplicationNames#job}, the run's id from the log context),
     * Nightshift version and, when the driver runs on this host ({@code errorFile} not null), the error file and this
     * process's pid, which the job follows to exit with it.
     */
    static java.util.Map<String, String> environment(dev.nightshift.database.DatabaseEndpoint database, String version, Path errorFile,
                                                     SparkApplication app) {
        java.util.Map<String, String> env = new java.util.HashMap<>();
        env.put(dev.nightshift.contract.JobEnvironment.DB_URL, database.url());
        env.put(dev.nightshift.contract.JobEnvironment.DB_APPLICATION_NAME,
                dev.nightshift.database.ApplicationNames.job(app.name(), org.slf4j.MDC.get(dev.nightshift.runs.RunLogContext.RUN_ID)));
        env.put(dev.nightshift.contract.JobEnvironment.DB_USER, database.user());
        env.put(dev.nightshift.contract.JobEnvironment.DB_PASSWORD, database.password() == null ? "" : database.password());
        env.put(dev.nightshift.contract.JobEnvironment.VERSION, version);
        if (errorFile != null) {
            env.put(dev.nightshift.contract.JobEnvironment.ERROR_FILE, errorFile.toString());
            env.put(dev.nightshift.contract.JobEnvironment.PARENT_PID, Long.toString(ProcessHandle.current().pid()));
        }
        return env;
    }

    /** The refusal of a submission while the orchestrator shuts down. */
    static SparkJobFailedException shuttingDown(SparkApplication app) {
        return new SparkJobFailedException(app.name(), null, false, "Spark application " + app.name()
                + " not started: the orchestrator is shutting down", List.of(ManagedSparkSubmitter.SHUTDOWN));
    }

    /** The non-blank lines of the file; empty when it is missing or empty. */
    static List<String> read(Path errorFile) {
        if (errorFile == null) {
            return List.of();
        }
        try {
            return Files.readAllLines(errorFile, StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The exception class of each line. */
    static List<String> classes(List<String> lines) {
        return lines.stream().map(l -> l.contains(":") ? l.substring(0, l.indexOf(':')).strip() : l.strip()).toList();
    }
}
