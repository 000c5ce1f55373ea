package dev.nightshift.database;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What Nightshift's PostgreSQL connections are called ({@code application_name}, shown in {@code pg_stat_activity}), so
 * that a server process holding a lock leads back to the process behind it: the orchestrator's pool
 * ({@link #orchestrator}) and every Spark job's connections ({@link #job}, handed to the job by the submitters).
 */
public final class ApplicationNames {
    /** PostgreSQL keeps the first 63 bytes of an application_name. */
    public static final int MAX_LENGTH = 63;

    private ApplicationNames() {
    }

    /** {@code name} as PostgreSQL keeps it: printable ASCII (anything else becomes {@code ?}), at most 63 characters. */
    public static String clip(String name) {
        String ascii = name.replaceAll("[^\\x20-\\x7e]", "?");
        return ascii.length() <= MAX_LENGTH ? ascii : ascii.substring(0, MAX_LENGTH);
    }

    /**
     * The orchestrator's own pool: {@code nightshift orchestrator <pid>@<host>}, the pid and host of its row in
     * {@code instances} (the pid first, so that it survives the cut of a long host name).
     */
    public static String orchestrator() {
        return clip("nightshift orchestrator " + ProcessHandle.current().pid() + "@" + hostName());
    }

    /**
     * A Spark job's connections, driver's and executors': {@code nightshift run <id> <application>} while a run submits
     * it, else {@code nightshift <application>}; the run first so that it survives the cut.
     */
    public static String job(String application, String runId) {
        return clip("nightshift " + (runId == null || runId.isBlank() ? "" : "run " + runId + " ") + application);
    }

    /** This machine's name, as {@code instances.host} records it ({@code localhost} when it cannot be resolved). */
    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
