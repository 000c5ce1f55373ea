package dev.nightshift.web.dashboard;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The read side of the dashboard and the run report: small SQL queries over the internal tables, one per question. */
@Component
public class DashboardQueries {
    private final JdbcClient jdbc;

    public DashboardQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The latest run of each business date (a re-run hides the attempts before it), newest date first. */
    public record NightRun(long runId, LocalDate date, String status, Integer modelVersion, Long rowsScored, Long rowsQuarantined,
                           OffsetDateTime startedAt, OffsetDateTime finishedAt, String error) {
    }

    public List<NightRun> latestRunPerNight(String pipeline, int nights) {
        return jdbc.sql("""
                        SELECT DISTINCT ON (r.business_date) r.id, r.business_date, r.status, mv.version, r.rows_scored,
                               r.rows_quarantined, r.started_at, r.finished_at, r.error
                        FROM runs r LEFT JOIN model_versions mv ON mv.id = r.model_version_id
                        WHERE r.pipeline = ? ORDER BY r.business_date DESC, r.id DESC LIMIT ?""")
                .params(pipeline, nights)
                .query((rs, i) -> new NightRun(rs.getLong(1), rs.getObject(2, LocalDate.class), rs.getString(3),
                        (Integer) rs.getObject(4), (Long) rs.getObject(5), (Long) rs.getObject(6),
                        rs.getObject(7, OffsetDateTime.class), rs.getObject(8, OffsetDateTime.class), rs.getString(9)))
                .list();
    }

    /** A step execution of a run, with Spring Batch's status and the rows it wrote. */
    public record StepCell(long runId, String step, String status, double seconds, long writeCount, String exitMessage) {
    }

    public List<StepCell> steps(List<Long> runIds) {
        if (runIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT r.id, s.step_name, s.status, extract(epoch FROM coalesce(s.end_time, now()::timestamp) - s.start_time),
                               s.write_count, s.exit_message
                        FROM runs r JOIN batch_step_execution s ON s.job_execution_id = r.job_execution_id
                        WHERE r.id = ANY (?) ORDER BY r.id, s.step_execution_id""")
                .param(runIds.toArray(Long[]::new))
                .query((rs, i) -> new StepCell(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getLong(5),
                        rs.getString(6)))
                .list();
    }

    /** A metric of a labelled night for one model version, with its 95% interval when it has one. */
    public record MetricPoint(LocalDate date, int modelVersion, String metric, double value, Double ciLow, Double ciHigh, long n) {
    }

    public List<MetricPoint> metrics(String pipeline, String metric, LocalDate upTo) {
        return jdbc.sql("""
                        SELECT m.business_date, mv.version, m.metric, m.value, m.ci_low, m.ci_high, m.n
                        FROM model_metrics m JOIN model_versions mv ON mv.id = m.model_version_id
                        WHERE m.pipeline = ? AND m.metric = ? AND m.business_date <= ? ORDER BY m.business_date, mv.version""")
                .params(pipeline, metric, upTo)
                .query((rs, i) -> new MetricPoint(rs.getObject(1, LocalDate.class), rs.getInt(2), rs.getString(3), rs.getDouble(4),
                        (Double) rs.getObject(5), (Double) rs.getObject(6), rs.getLong(7)))
                .list();
    }

    /** How one night's predictions by one model version scored against their labels (its latest evaluation). */
    public List<MetricPoint> metricsOfNight(String pipeline, LocalDate date, long modelVersionId) {
        return jdbc.sql("""
                        SELECT m.business_date, mv.version, m.metric, m.value, m.ci_low, m.ci_high, m.n
                        FROM model_metrics m JOIN model_versions mv ON mv.id = m.model_version_id
                        WHERE m.pipeline = ? AND m.business_date = ? AND m.model_version_id = ? ORDER BY m.metric""")
                .params(pipeline, date, modelVersionId)
                .query((rs, i) -> new MetricPoint(rs.getObject(1, LocalDate.class), rs.getInt(2), rs.getString(3), rs.getDouble(4),
                        (Double) rs.getObject(5), (Double) rs.getObject(6), rs.getLong(7)))
                .list();
    }

    /** The metrics evaluated by one run (every labelled night it re-evaluated). */
    public List<MetricPoint> metricsOfRun(long runId) {
        return jdbc.sql("""
                        SELECT m.business_date, mv.version, m.metric, m.value, m.ci_low, m.ci_high, m.n
                        FROM model_metrics m JOIN model_versions mv ON mv.id = m.model_version_id
                        WHERE m.run_id = ? ORDER BY m.business_date DESC, mv.version, m.metric""")
                .param(runId)
                .query((rs, i) -> new MetricPoint(rs.getObject(1, LocalDate.class), rs.getInt(2), rs.getString(3), rs.getDouble(4),
                        (Double) rs.getObject(5), (Double) rs.getObject(6), rs.getLong(7)))
                .list();
    }

    public List<String> metricNames(String pipeline) {
        return jdbc.sql("SELECT DISTINCT metric FROM model_metrics WHERE pipeline = ? ORDER BY metric").param(pipeline)
                .query(String.class).list();
    }

    /** Nights whose scoring model differs from the night before: where the champion changed. */
    public record ChampionChange(LocalDate date, Integer fromVersion, int toVersion) {
    }

    public List<ChampionChange> championChanges(String pipeline) {
        return jdbc.sql("""
                        WITH nights AS (
                            SELECT DISTINCT ON (r.business_date) r.business_date, mv.version
                            FROM runs r JOIN model_versions mv ON mv.id = r.model_version_id
                            WHERE r.pipeline = ? AND r.status = 'COMPLETED' ORDER BY r.business_date, r.id DESC)
                        SELECT business_date, prev, version FROM (
                            SELECT business_date, version, lag(version) OVER (ORDER BY business_date) AS prev FROM nights) x
                        WHERE prev IS NOT NULL AND prev <> version ORDER BY business_date""")
                .param(pipeline)
                .query((rs, i) -> new ChampionChange(rs.getObject(1, LocalDate.class), (Integer) rs.getObject(2), rs.getInt(3)))
                .list();
    }

    /** The judged drift statistic of a feature on a night (the latest run of that night). */
    public record DriftCell(LocalDate date, String feature, String method, Double statistic, double threshold, boolean drifted,
                            int modelVersion) {
    }

    public List<DriftCell> drift(String pipeline, LocalDate from, LocalDate to) {
        return jdbc.sql("""
                        SELECT d.business_date, d.feature, d.method, d.statistic, d.threshold, d.drifted, mv.version
                        FROM feature_drift d JOIN model_versions mv ON mv.id = d.model_version_id
                        WHERE d.pipeline = ? AND d.chosen AND d.business_date BETWEEN ? AND ?
                          AND d.run_id = (SELECT max(r.id) FROM runs r JOIN feature_drift x ON x.run_id = r.id
                                          WHERE r.pipeline = d.pipeline AND r.business_date = d.business_date)
                        ORDER BY d.feature, d.business_date""")
                .params(pipeline, from, to)
                .query((rs, i) -> new DriftCell(rs.getObject(1, LocalDate.class), rs.getString(2), rs.getString(3),
                        (Double) rs.getObject(4), rs.getDouble(5), rs.getBoolean(6), rs.getInt(7)))
                .list();
    }

    public List<DriftCell> driftOfRun(long runId) {
        return jdbc.sql("""
                        SELECT d.business_date, d.feature, d.method, d.statistic, d.threshold, d.drifted, mv.version
                        FROM feature_drift d JOIN model_versions mv ON mv.id = d.model_version_id
                        WHERE d.run_id = ? AND d.chosen ORDER BY d.drifted DESC, d.feature""")
                .param(runId)
                .query((rs, i) -> new DriftCell(rs.getObject(1, LocalDate.class), rs.getString(2), rs.getString(3),
                        (Double) rs.getObject(4), rs.getDouble(5), rs.getBoolean(6), rs.getInt(7)))
                .list();
    }

    /** A validation check of a run: row-level checks count the rows they quarantined, gates compare a value with a threshold. */
    public record QualityCheck(String check, String column, Double value, Double threshold, boolean passed, Long failingRows,
                               String detail) {
    }

    public List<QualityCheck> quality(long runId) {
        return jdbc.sql("""
                        SELECT check_name, column_name, value, threshold, passed, failing_rows, detail
                        FROM data_quality WHERE run_id = ? ORDER BY passed, failing_rows DESC NULLS LAST, check_name, column_name""")
                .param(runId)
                .query((rs, i) -> new QualityCheck(rs.getString(1), rs.getString(2), (Double) rs.getObject(3), (Double) rs.getObject(4),
                        rs.getBoolean(5), (Long) rs.getObject(6), rs.getString(7)))
                .list();
    }

    /** What a night decided and, when it retrained, what the gate did with the candidate. */
    public record DecisionRow(long runId, LocalDate date, Integer championVersion, String outcome, String trigger, String summary,
                              Integer candidateVersion, String action, String gate) {
    }

    private static final String DECISIONS = """
            SELECT d.run_id, d.business_date, j.version, d.outcome, d.trigger, d.reasons ->> 'summary', c.version, d.action,
                   d.gate ->> 'explanation'
            FROM decisions d
            LEFT JOIN model_versions j ON j.id = d.model_version_id
            LEFT JOIN model_versions c ON c.id = d.candidate_model_version_id
            """;

    public Optional<DecisionRow> decision(long runId) {
        return jdbc.sql(DECISIONS + " WHERE d.run_id = ?").param(runId).query(DashboardQueries::decisionRow).optional();
    }

    /** The decision whose retrain produced each candidate version, by version number. */
    public List<DecisionRow> decisionsWithCandidates(String pipeline) {
        return jdbc.sql(DECISIONS + " WHERE d.pipeline = ? AND d.candidate_model_version_id IS NOT NULL ORDER BY d.business_date")
                .param(pipeline).query(DashboardQueries::decisionRow).list();
    }

    private static DecisionRow decisionRow(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new DecisionRow(rs.getLong(1), rs.getObject(2, LocalDate.class), (Integer) rs.getObject(3), rs.getString(4),
                rs.getString(5), rs.getString(6), (Integer) rs.getObject(7), rs.getString(8), rs.getString(9));
    }

    /** An alert episode. */
    public record AlertRow(String kind, String severity, String title, LocalDate firstSeen, LocalDate lastSeen, int occurrences,
                           String deliveryStatus) {
    }

    /** Alerts seen on the pipeline's latest run night: the conditions still going on. */
    public List<AlertRow> openAlerts(String pipeline) {
        return jdbc.sql("""
                        SELECT kind, severity, title, first_seen, last_seen, occurrences, delivery_status FROM alerts
                        WHERE pipeline = ? AND last_seen >= (SELECT max(business_date) FROM runs WHERE pipeline = ?)
                        ORDER BY severity DESC, occurrences DESC""")
                .params(pipeline, pipeline)
                .query((rs, i) -> new AlertRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, LocalDate.class),
                        rs.getObject(5, LocalDate.class), rs.getInt(6), rs.getString(7)))
                .list();
    }

    public List<AlertRow> alertsOfRun(long runId) {
        return jdbc.sql("""
                        SELECT kind, severity, title, first_seen, last_seen, occurrences, delivery_status FROM alerts
                        WHERE run_id = ? ORDER BY severity DESC, kind""")
                .param(runId)
                .query((rs, i) -> new AlertRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, LocalDate.class),
                        rs.getObject(5, LocalDate.class), rs.getInt(6), rs.getString(7)))
                .list();
    }

    /** Where a run's report is, or why it could not be written. */
    public record ReportRow(long runId, String status, String uri, Long bytes, String error, OffsetDateTime writtenAt) {
    }

    public Optional<ReportRow> report(long runId) {
        return jdbc.sql("SELECT run_id, status, uri, bytes, error, written_at FROM run_reports WHERE run_id = ?").param(runId)
                .query((rs, i) -> new ReportRow(rs.getLong(1), rs.getString(2), rs.getString(3), (Long) rs.getObject(4),
                        rs.getString(5), rs.getObject(6, OffsetDateTime.class)))
                .optional();
    }

    public Long rowsQuarantined(long runId) {
        // a list, not single(): the value is null when validation did not run
        List<Long> rows = jdbc.sql("SELECT rows_quarantined FROM runs WHERE id = ?").param(runId).query((rs, i) -> (Long) rs.getObject(1)).list();
        return rows.isEmpty() ? null : rows.get(0);
    }
}
