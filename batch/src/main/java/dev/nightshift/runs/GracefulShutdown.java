package dev.nightshift.runs;

import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.spark.ManagedSparkSubmitter;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * On shutdown (SIGTERM, Ctrl-C), after the scheduler has stopped firing: lets running steps finish within the grace
 * period, then stops their Spark JVMs, and waits for the runs to record their failure before the database pool closes.
 * Running the same date again afterwards resumes at the stopped step.
 */
@Component
public class GracefulShutdown implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

    private final RunService runs;
    private final ManagedSparkSubmitter submitter;
    private final Duration grace;
    private final Duration killAfter;
    private volatile boolean running;

    public GracefulShutdown(RunService runs, ManagedSparkSubmitter submitter, NightshiftProperties props) {
        this.runs = runs;
        this.submitter = submitter;
        this.grace = props.shutdown().grace();
        this.killAfter = props.shutdown().killAfter();
    }

    @Override
    public void start() {
        submitter.reopen();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        try {
            if (runs.awaitIdle(grace)) {
                return;
            }
            int stopped = submitter.stopAll(killAfter);
            log.warn("shutting down: stopped {} Spark application(s) still running after {} (killed if still running {} after"
                    + " being asked to stop); their runs fail and resume when run again", stopped, grace, killAfter);
            if (!runs.awaitIdle(Duration.ofSeconds(60))) {
                log.warn("shutting down with runs still executing; they will be found stale and resumed by the next run");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stops right after the Quartz scheduler (Integer.MAX_VALUE), long before the instance registry and the pool.
        return Integer.MAX_VALUE - 1;
    }
}
