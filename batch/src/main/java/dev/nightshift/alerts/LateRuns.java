package dev.nightshift.alerts;

import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.pipelines.PipelineService;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Raises {@code run_late} for a scheduled pipeline whose latest due night has no completed run at its spec's
 * {@code schedule.deadline} (a time on the day the night fires, in the schedule's zone). A night whose run failed is
 * left to its {@code run_failed} alert. {@code serve} checks periodically; every instance of a cluster may check,
 * since raising the same night twice counts it once.
 */
@Component
public class LateRuns implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(LateRuns.class);

    private final JdbcClient jdbc;
    private final PipelineService pipelines;
    private final AlertService alerts;
    private ScheduledExecutorService timer;

    public LateRuns(JdbcClient jdbc, PipelineService pipelines, AlertService alerts) {
        this.jdbc = jdbc;
        this.pipelines = pipelines;
        this.alerts = alerts;
    }

    /** Checks every {@code every} from now on, until the context closes. */
    public synchronized void start(Duration every) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nightshift-late-runs");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                check(Instant.now());
            } catch (RuntimeException e) {
                // A scheduled task that throws is never run again; log it and try at the next tick (e.g. after a
                // database restart) instead of silently stopping late-run alerts for the life of the process.
                log.error("checking for late runs failed: {}", e.getMessage(), e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Raises {@code run_late} for every pipeline late at {@code now}; what happened to each, in order. */
    public List<AlertRepository.Recorded> check(Instant now) {
        record Candidate(String pipeline, OffsetDateTime createdAt) {
        }
        List<Candidate> candidates = jdbc.sql("SELECT name, created_at FROM pipelines WHERE NOT paused ORDER BY name")
                .query((rs, i) -> new Candidate(rs.getString(1), rs.getObject(2, OffsetDateTime.class))).list();
        List<Condition> late = new ArrayList<>();
        for (Candidate c : candidates) {
            PipelineSpec.Schedule schedule = pipelines.current(c.pipeline()).spec().schedule();
            if (schedule == null || schedule.deadline() == null) {
                continue;
            }
            DueNight due = dueNight(schedule, now);
            if (due.deadline().isBefore(c.createdAt().toInstant())) {
                continue; // the pipeline did not exist yet when that night was due
            }
            lateCondition(c.pipeline(), schedule, due).ifPresent(late::add);
        }
        return alerts.raise(late);
    }

    /** The latest business date whose deadline has passed at {@code now}, and that deadline. */
    record DueNight(LocalDate businessDate, Instant deadline) {
    }

    static DueNight dueNight(PipelineSpec.Schedule schedule, Instant now) {
        ZoneId zone = ZoneId.of(schedule.timezone());
        LocalTime deadline = LocalTime.parse(schedule.deadline());
        var local = now.atZone(zone);
        LocalDate fireDay = local.toLocalTime().isBefore(deadline) ? local.toLocalDate().minusDays(1) : local.toLocalDate();
        return new DueNight(fireDay.plusDays(schedule.businessDateOffsetDays()), fireDay.atTime(deadline).atZone(zone).toInstant());
    }

    private Optional<Condition> lateCondition(String pipeline, PipelineSpec.Schedule schedule, DueNight due) {
        record LatestRun(long id, String status, OffsetDateTime startedAt) {
        }
        Optional<LatestRun> run = jdbc.sql("""
                        SELECT id, status, started_at FROM runs WHERE pipeline = ? AND business_date = ?
                        ORDER BY id DESC LIMIT 1""")
                .params(pipeline, due.businessDate())
                .query((rs, i) -> new LatestRun(rs.getLong(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class))).optional();
        if (run.isPresent() && !"RUNNING".equals(run.get().status())) {
            return Optional.empty(); // completed, or failed and already alerted as run_failed
        }
        String by = schedule.deadline() + " " + schedule.timezone();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("deadline", due.deadline().toString());
        detail.put("runId", run.map(LatestRun::id).orElse(null));
        detail.put("status", run.map(LatestRun::status).orElse(null));
        String state = run.map(r -> "run " + r.id() + " still running since " + r.startedAt().toInstant()).orElse("no run started");
        return Optional.of(new Condition(pipeline, due.businessDate(), run.map(LatestRun::id).orElse(null), AlertKind.RUN_LATE,
                Severity.WARNING, "deadline", "night " + due.businessDate() + " not completed by " + by + ": " + state, detail));
    }

    @Override
    public synchronized void destroy() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
