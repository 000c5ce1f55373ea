package dev.nightshift.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL started from Maven artifacts, its data kept under {@code <home>/pg} so that later runs see
 * earlier history. If another Nightshift process already runs the server on that data directory, this one
 * connects to it instead of starting a second server.
 *
 * <p>Within one JVM the server is shared by count: every context of the same home (the CLI's in-process commands,
 * several application contexts in one test JVM) gets the server this JVM started, and only the last {@link #close}
 * stops it. Before, the first context to close stopped the server under the others, whose shutdown then waited out
 * the connection pool's 30-second timeout.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    static final String APPLICATION_ROLE = "nightshift_app";
    /** Servers this JVM started, by data directory, with the number of open {@link EmbeddedDatabase}s using each. */
    private static final Map<Path, Started> STARTED = new HashMap<>();

    private static final class Started {
        final EmbeddedPostgres postgres;
        int users = 1;

        Started(EmbeddedPostgres postgres) {
            this.postgres = postgres;
        }
    }

    private final Path dataDir;
    private final Started started; // null: another process runs the server
    private final DatabaseEndpoint endpoint;
    private boolean closed;

    private EmbeddedDatabase(Path dataDir, Started started, DatabaseEndpoint endpoint) {
        this.dataDir = dataDir;
        this.started = started;
        this.endpoint = endpoint;
    }

    public static EmbeddedDatabase start(Path home, int port) {
        Path dataDir = home.toAbsolutePath().normalize().resolve("pg");
        synchronized (STARTED) {
            Started mine = STARTED.get(dataDir);
            if (mine != null) {
                mine.users++;
                log.info("Using the embedded PostgreSQL this process runs on port {} (data in {})", mine.postgres.getPort(), dataDir);
                return new EmbeddedDatabase(dataDir, mine, endpoint(mine.postgres.getPort()));
            }
            EmbeddedDatabase database = startOrFind(dataDir, port);
            if (database.started != null) {
                STARTED.put(dataDir, database.started);
            }
            return database;
        }
    }

    private static EmbeddedDatabase startOrFind(Path dataDir, int port) {
        Optional<Integer> running = runningServerPort(dataDir);
        if (running.isPresent()) {
            log.info("Using the embedded PostgreSQL already running on port {} (data in {})", running.get(), dataDir);
            return new EmbeddedDatabase(dataDir, null, endpoint(running.get()));
        }
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false); // the Spring context stops it, after its last database write
            if (port > 0) {
                builder.setPort(port); // 0: any free port
            }
            EmbeddedPostgres pg = builder.start();
            log.info("Started embedded PostgreSQL on port {} (data in {})", pg.getPort(), dataDir);
            return new EmbeddedDatabase(dataDir, new Started(pg), endpoint(pg.getPort()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL in " + dataDir + " on port " + port
                    + ": " + e.getMessage() + " (set NIGHTSHIFT_DB_URL to use another server, or nightshift.embedded.port)", e);
        }
    }

    /** The application connects as nightshift_app (V14), which the embedded server's local trust lets in without a password. */
    private static DatabaseEndpoint endpoint(int port) {
        return new DatabaseEndpoint("jdbc:postgresql://localhost:" + port + "/postgres", APPLICATION_ROLE, "", true);
    }

    /** The superuser that created the server: it runs the migrations (and owns what V14 does not move to nightshift_owner). */
    public DatabaseEndpoint ownerEndpoint() {
        return new DatabaseEndpoint(endpoint.url(), "postgres", "", true);
    }

    /** Reads postmaster.pid: line 1 is the server's pid, line 4 its port. */
    static Optional<Integer> runningServerPort(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Optional.of(Integer.parseInt(lines.get(3).trim())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            // A torn or foreign pid file: PostgreSQL itself decides at start-up whether it is stale.
            return Optional.empty();
        }
    }

    public DatabaseEndpoint endpoint() {
        return endpoint;
    }

    /** Stops the server if this JVM started it and this was its last user; idempotent. */
    @Override
    public void close() throws IOException {
        if (started == null) {
            return;
        }
        synchronized (STARTED) {
            if (closed) {
                return;
            }
            closed = true;
            if (--started.users > 0) {
                return;
            }
            STARTED.remove(dataDir);
            started.postgres.close(); // under the lock: a start meanwhile would find the stopping server's pid file
        }
    }
}
