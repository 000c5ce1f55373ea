package dev.nightshift.runs;

import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.reports.RunReportService;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Finds runs left RUNNING by an orchestrator that is gone and marks them, and their Spring Batch executions, failed
 * with the reason, so that the next run of the same date restarts at the failed step. An owner is gone when it
 * stopped cleanly, when its heartbeat is older than the lease, or (same host) when its process no longer exists.
 */
@Service
public class StaleRunRecovery {
    private static final Logger log = LoggerFactory.getLogger(StaleRunRecovery.class);

    private final JdbcClient jdbc;
    private final InstanceRegistry self;
    private final JobRepository jobRepository;
    private final JobOperator jobOperator;
    private final NightshiftProperties props;
    private final RunReportService reports;

    public StaleRunRecovery(JdbcClient jdbc, InstanceRegistry self, JobRepository jobRepository, JobOperator jobOperator,
                            NightshiftProperties props, RunReportService reports) {
        this.reports = reports;
        this.jdbc = jdbc;
        this.self = self;
        this.jobRepository = jobRepository;
        this.jobOperator = jobOperator;
        this.props = props;
    }

    /** Recovers stale runs of one pipeline and date (or of all when both are null); returns how many. */
    public int recover(String pipeline, LocalDate date) {
        List<Candidate> candidates = jdbc.sql("""
                        SELECT r.id, r.pipeline, r.business_date, r.job_execution_id, r.owner, i.host, i.pid, i.started_at,
                               i.heartbeat_at, i.stopped_at, now() AS db_now
                        FROM runs r LEFT JOIN instances i ON i.id = r.owner
                        WHERE r.status = 'RUNNING' AND (r.owner IS NULL OR r.owner <> ?)
                          AND (?::text IS NULL OR r.pipeline = ?) AND (?::date IS NULL OR r.business_date = ?)""")
                .params(self.id(), pipeline, pipeline, date, date)
                .query((rs, i) -> new Candidate(rs.getLong("id"), rs.getString("pipeline"), rs.getObject("business_date", LocalDate.class),
                        (Long) rs.getObject("job_execution_id"), rs.getString("owner"), rs.getString("host"), (Long) rs.getObject("pid"),
                        rs.getObject("started_at", OffsetDateTime.class), rs.getObject("heartbeat_at", OffsetDateTime.class),
                        rs.getObject("stopped_at", OffsetDateTime.class), rs.getObject("db_now", OffsetDateTime.class)))
                .list();
        int recovered = 0;
        for (Candidate c : candidates) {
            String reason = goneReason(c);
            if (reason == null) {
                continue;
            }
            String error = "orchestrator " + (c.owner() == null ? "(unknown)" : c.owner()) + " " + reason
                    + "; marked failed by " + self.id() + " so that the run can be restarted";
            int updated = jdbc.sql("UPDATE runs SET status = 'FAILED', finished_at = now(), error = ? WHERE id = ? AND status = 'RUNNING'")
                    .params(error, c.runId()).update();
            if (updated == 1) {
                recoverBatchExecution(c);
                log.warn("run {} ({} {}) was stale: {}", c.runId(), c.pipeline(), c.businessDate(), error);
                // its own orchestrator never reached the end of the job, where reports are written
                reports.write(c.runId());
                recovered++;
            }
        }
        return recovered;
    }

    private String goneReason(Candidate c) {
        if (c.owner() == null) {
            return "did not record itself as the owner";
        }
        if (c.stoppedAt() != null) {
            return "stopped at " + c.stoppedAt() + " while the run was still running";
        }
        long leaseMillis = props.instance().lease().toMillis();
        if (c.heartbeatAt().plusNanos(leaseMillis * 1_000_000).isBefore(c.dbNow())) {
            return "last heartbeated at " + c.heartbeatAt() + ", longer ago than the lease of " + props.instance().lease();
        }
        if (self.host().equals(c.host()) && c.pid() != null && !sameProcessAlive(c.pid(), c.startedAt().toInstant())) {
            return "(process " + c.pid() + " on this host) no longer exists";
        }
        return null;
    }

    /** True if the pid is alive and is the process that registered the instance, not a later one reusing its pid. */
    static boolean sameProcessAlive(long pid, Instant instanceStarted) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .map(p -> p.info().startInstant().map(s -> !s.isAfter(instanceStarted)).orElse(true))
                .orElse(false);
    }

    private void recoverBatchExecution(Candidate c) {
        if (c.jobExecutionId() == null) {
            return;
        }
        JobExecution execution = jobRepository.getJobExecution(c.jobExecutionId());
        if (execution != null && execution.getStatus().isRunning() || execution != null && execution.getStatus() == BatchStatus.UNKNOWN) {
            jobOperator.recover(execution);
        }
    }

    private record Candidate(long runId, String pipeline, LocalDate businessDate, Long jobExecutionId, String owner, String host,
                             Long pid, OffsetDateTime startedAt, OffsetDateTime heartbeatAt, OffsetDateTime stoppedAt,
                             OffsetDateTime dbNow) {
    }
}
