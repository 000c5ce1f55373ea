package dev.nightshift.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL started from Maven artifacts, its data kept under {@code <home>/pg} so that later runs see
 * earlier history. If another Nightshift process already runs the server on that data directory, this one
 * connects to it instead of starting a second server.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    static final String APPLICATION_ROLE = "nightshift_app";
    private final EmbeddedPostgres postgres;
    private final DatabaseEndpoint endpoint;

    private EmbeddedDatabase(EmbeddedPostgres postgres, DatabaseEndpoint endpoint) {
        this.postgres = postgres;
        this.endpoint = endpoint;
    }

    public static EmbeddedDatabase start(Path home, int port) {
        Path dataDir = home.toAbsolutePath().normalize().resolve("pg");
        Optional<Integer> running = runningServerPort(dataDir);
        if (running.isPresent()) {
            log.info("Using the embedded PostgreSQL already running on port {} (data in {})", running.get(), dataDir);
            return new EmbeddedDatabase(null, endpoint(running.get()));
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
            return new EmbeddedDatabase(pg, endpoint(pg.getPort()));
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

    @Override
    public void close() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }
}
