package dev.nightshift.runs;

import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.database.ApplicationNames;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * This orchestrator process as a row of {@code instances}, heartbeating while it lives. Runs record their owner, so
 * a run left RUNNING by a crashed process is told apart from one that is really running.
 */
@Component
public class InstanceRegistry implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(InstanceRegistry.class);

    private final JdbcClient jdbc;
    private final NightshiftProperties.Instance config;
    private final String id;
    private final String host;
    private final long pid = ProcessHandle.current().pid();
    private ScheduledExecutorService heartbeat;
    private volatile boolean running;

    public InstanceRegistry(JdbcClient jdbc, NightshiftProperties props) {
        this.jdbc = jdbc;
        this.config = props.instance();
        this.host = ApplicationNames.hostName();
        this.id = host + ":" + pid + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String id() {
        return id;
    }

    public String host() {
        return host;
    }

    @Override
    public void start() {
        // A context may be stopped and started again (Lifecycle): the same instance then resumes heartbeating.
        jdbc.sql("""
                INSERT INTO instances (id, host, pid) VALUES (?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), stopped_at = NULL""").params(id, host, pid).update();
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nightshift-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = config.heartbeatInterval().toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
        running = true;
    }

    private void beat() {
        try {
            jdbc.sql("UPDATE instances SET heartbeat_at = now() WHERE id = ?").param(id).update();
        } catch (RuntimeException e) {
            // A missed beat is retried on the next tick; if the database stays away the lease expires and other
            // instances treat this one's runs as stale, which is the intended outcome.
            log.warn("heartbeat of {} failed: {}", id, e.getMessage());
        }
    }

    @Override
    public void stop() {
        running = false;
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        try {
            jdbc.sql("UPDATE instances SET stopped_at = now() WHERE id = ?").param(id).update();
        } catch (org.springframework.dao.DataAccessException e) {
            // Shutting down without the database: the missing heartbeat marks this instance gone after the lease.
            log.warn("could not record the stop of {}: {}", id, e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Start before the scheduler and stop after it: runs started by triggers always have a live owner.
        return Integer.MIN_VALUE + 1000;
    }
}
