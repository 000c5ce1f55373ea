package dev.nightshift.runs;

import dev.nightshift.contract.Tables;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Reads and writes the runs table. */
@Repository
public class RunRepository {
    private static final String SELECT = """
            SELECT r.*, mv.version AS model_version FROM runs r LEFT JOIN model_versions mv ON mv.id = r.model_version_id""";

    private final JdbcClient jdbc;

    public RunRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts a RUNNING row; the partial unique index on (pipeline, business_date) makes a second active run
     * impossible even when two orchestrators race.
     */
    public long insertRunning(RunRequest request, int specVersion, int attempt, String owner) {
        KeyHolder key = new GeneratedKeyHolder();
        try {
            jdbc.sql("""
                            INSERT INTO runs (pipeline, business_date, spec_version, attempt, trigger, status, owner)
                            VALUES (?, ?, ?, ?, ?, 'RUNNING', ?)""")
                    .params(request.pipeline(), request.businessDate(), specVersion, attempt, request.trigger().dbValue(), owner)
                    .update(key, "id");
        } catch (DuplicateKeyException e) {
            RunRecord active = latest(request.pipeline(), request.businessDate()).orElse(null);
            throw new RunRefusedException("a run of " + request.pipeline() + " for " + request.businessDate() + " is already active"
                    + (active == null ? "" : " (run " + active.id() + ", started " + active.startedAt() + ")"));
        }
        return key.getKeyAs(Long.class);
    }

    /** How many runs' leftover staging tables {@link #dropLeftoverStages} dropped, and how many it found locked and left. */
    public record LeftoverStages(int dropped, int busy) {
    }

    /**
     * Drops the staging tables ({@code nightshift_work.predictions_stage_<run>} and {@code ..._copied}) that landings of
     * the pipeline killed before their publication left behind: those of its runs that are not RUNNING. A run's retry is
     * a new run, so nothing else would ever replace them. A table still locked after a second (an orphaned job still
     * COPYing) is left for the next call and counted as busy.
     */
    public LeftoverStages dropLeftoverStages(String pipeline) {
        return jdbc.sql("SELECT dropped, busy FROM " + Tables.DROP_LEFTOVER_PREDICTIONS_STAGES + "(?)").param(pipeline)
                .query((rs, i) -> new LeftoverStages(rs.getInt("dropped"), rs.getInt("busy"))).single();
    }

    public void attachJobExecution(long runId, long jobExecutionId) {
        jdbc.sql("UPDATE runs SET job_execution_id = ? WHERE id = ?").params(jobExecutionId, runId).update();
    }

    public void finish(long runId, String status, String error) {
        jdbc.sql("UPDATE runs SET status = ?, finished_at = now(), error = ? WHERE id = ?")
                .params(status, error, runId).update();
    }

    public Optional<RunRecord> find(long runId) {
        return jdbc.sql(SELECT + " WHERE r.id = ?").param(runId).query(RunRepository::map).optional();
    }

    public Optional<RunRecord> latest(String pipeline, LocalDate date) {
        return jdbc.sql(SELECT + " WHERE r.pipeline = ? AND r.business_date = ? ORDER BY r.id DESC LIMIT 1")
                .params(pipeline, date).query(RunRepository::map).optional();
    }

    public List<RunRecord> list(String pipeline, int limit) {
        return list(pipeline, 0, limit);
    }

    public List<RunRecord> list(String pipeline, int offset, int limit) {
        if (pipeline == null) {
            return jdbc.sql(SELECT + " ORDER BY r.id DESC OFFSET ? LIMIT ?").params(offset, limit).query(RunRepository::map).list();
        }
        return jdbc.sql(SELECT + " WHERE r.pipeline = ? ORDER BY r.id DESC OFFSET ? LIMIT ?").params(pipeline, offset, limit)
                .query(RunRepository::map).list();
    }

    /**
     * Runs filtered by any of pipeline, status and a business-date range (inclusive), newest first; the API's list of runs
     * and where a backfill's runs are polled.
     */
    public List<RunRecord> search(String pipeline, String status, LocalDate from, LocalDate to, int offset, int limit) {
        return jdbc.sql(SELECT + " " + """
                         WHERE (CAST(? AS text) IS NULL OR r.pipeline = ?) AND (CAST(? AS text) IS NULL OR r.status = ?)
                           AND (CAST(? AS date) IS NULL OR r.business_date >= ?) AND (CAST(? AS date) IS NULL OR r.business_date <= ?)
                         ORDER BY r.id DESC OFFSET ? LIMIT ?""")
                .params(pipeline, pipeline, status, status, from, from, to, to, offset, limit)
                .query(RunRepository::map).list();
    }

    /** The latest business date of the pipeline with a completed run: what `retrain` re-runs by default. */
    public Optional<LocalDate> latestCompletedDate(String pipeline) {
        return jdbc.sql("SELECT max(business_date) FROM runs WHERE pipeline = ? AND status = 'COMPLETED'").param(pipeline)
                .query((rs, i) -> rs.getObject(1, LocalDate.class)).optional();
    }

    /** Input rows of the run's night that validation held back; null before validation ran. */
    public Long rowsQuarantined(long runId) {
        return jdbc.sql("SELECT rows_quarantined FROM runs WHERE id = ?").param(runId).query((rs, i) -> (Long) rs.getObject(1))
                .optional().orElse(null);
    }

    /** A step of a run's Spring Batch execution. */
    public record StepRecord(String step, String status, java.time.LocalDateTime startedAt, java.time.LocalDateTime endedAt,
                             long writeCount, String exitMessage) {
    }

    public List<StepRecord> steps(long runId) {
        return jdbc.sql("""
                        SELECT s.step_name, s.status, s.start_time, s.end_time, s.write_count, s.exit_message
                        FROM batch_step_execution s JOIN runs r ON r.job_execution_id = s.job_execution_id
                        WHERE r.id = ? ORDER BY s.step_execution_id""")
                .param(runId)
                .query((rs, i) -> new StepRecord(rs.getString(1), rs.getString(2), rs.getObject(3, java.time.LocalDateTime.class),
                        rs.getObject(4, java.time.LocalDateTime.class), rs.getLong(5), rs.getString(6)))
                .list();
    }

    private static RunRecord map(ResultSet rs, int row) throws SQLException {
        return new RunRecord(rs.getLong("id"), rs.getString("pipeline"), rs.getObject("business_date", LocalDate.class),
                rs.getInt("spec_version"), rs.getInt("attempt"), (Long) rs.getObject("job_execution_id"), rs.getString("trigger"),
                rs.getString("status"), (Long) rs.getObject("model_version_id"), (Integer) rs.getObject("model_version"),
                (Long) rs.getObject("rows_scored"), rs.getObject("started_at", OffsetDateTime.class),
                rs.getObject("finished_at", OffsetDateTime.class), rs.getString("error"));
    }
}
