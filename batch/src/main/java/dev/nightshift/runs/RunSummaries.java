package dev.nightshift.runs;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Everything one run produced, gathered for {@code nightshift runs show}: steps, rows, quality, metrics, drift, decision, alerts. */
@Service
public class RunSummaries {
    private final JdbcClient jdbc;
    private final RunRepository runs;

    public RunSummaries(JdbcClient jdbc, RunRepository runs) {
        this.jdbc = jdbc;
        this.runs = runs;
    }

    /** A validation check that held rows back (or a failed dataset-level gate). */
    public record QualityIssue(String check, String column, Long failingRows, Double value, Double threshold, boolean passed, String detail) {
    }

    /** A metric this run evaluated (of this or an earlier labelled night). */
    public record EvaluatedMetric(LocalDate businessDate, int modelVersion, String metric, double value, Double ciLow, Double ciHigh, long n) {
    }

    /** A feature whose judged drift statistic crossed its threshold. */
    public record DriftedFeature(String feature, String method, Double statistic, Double pValue, double threshold) {
    }

    /** The night's decision. */
    public record DecisionSummary(String outcome, String trigger, String reasons, Integer candidateVersion, String action, String gate) {
    }

    /** An alert this run raised or extended. */
    public record AlertSummary(long id, String kind, String severity, String title, String deliveryStatus) {
    }

    /** Where the run's outputs are. */
    public record Outputs(String predictionsTable, String deltaTable, String quarantineTable) {
    }

    public record RunSummary(RunRecord run, Long rowsQuarantined, List<RunRepository.StepRecord> steps, List<QualityIssue> quality,
                             List<EvaluatedMetric> metrics, Double driftShare, List<DriftedFeature> drifted, DecisionSummary decision,
                             List<AlertSummary> alerts, Outputs outputs) {
    }

    public Optional<RunSummary> find(long runId, String warehouseUri) {
        Optional<RunRecord> found = runs.find(runId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RunRecord run = found.get();
        List<QualityIssue> quality = jdbc.sql("""
                        SELECT check_name, column_name, failing_rows, value, threshold, passed, detail FROM data_quality
                        WHERE run_id = ? AND (NOT passed OR coalesce(failing_rows, 0) > 0)
                        ORDER BY passed, failing_rows DESC NULLS LAST, check_name, column_name""")
                .param(runId)
                .query((rs, i) -> new QualityIssue(rs.getString(1), rs.getString(2), (Long) rs.getObject(3), (Double) rs.getObject(4),
                        (Double) rs.getObject(5), rs.getBoolean(6), rs.getString(7)))
                .list();
        List<EvaluatedMetric> metrics = jdbc.sql("""
                        SELECT m.business_date, mv.version, m.metric, m.value, m.ci_low, m.ci_high, m.n
                        FROM model_metrics m JOIN model_versions mv ON mv.id = m.model_version_id
                        WHERE m.run_id = ? ORDER BY m.business_date DESC, mv.version, m.metric""")
                .param(runId)
                .query((rs, i) -> new EvaluatedMetric(rs.getObject(1, LocalDate.class), rs.getInt(2), rs.getString(3), rs.getDouble(4),
                        (Double) rs.getObject(5), (Double) rs.getObject(6), rs.getLong(7)))
                .list();
        Double share = jdbc.sql("""
                        SELECT statistic FROM feature_drift WHERE run_id = ? AND feature = '__dataset__' AND method = 'drift_share'
                        ORDER BY model_version_id LIMIT 1""")
                .param(runId).query((rs, i) -> (Double) rs.getObject(1)).optional().orElse(null);
        List<DriftedFeature> drifted = jdbc.sql("""
                        SELECT feature, method, statistic, p_value, threshold FROM feature_drift
                        WHERE run_id = ? AND chosen AND drifted AND feature <> '__dataset__' AND model_version_id = ?
                        ORDER BY statistic DESC NULLS LAST""")
                .params(runId, run.modelVersionId())
                .query((rs, i) -> new DriftedFeature(rs.getString(1), rs.getString(2), (Double) rs.getObject(3), (Double) rs.getObject(4),
                        rs.getDouble(5)))
                .list();
        DecisionSummary decision = jdbc.sql("""
                        SELECT d.outcome, d.trigger, d.reasons ->> 'summary', c.version, d.action, d.gate ->> 'explanation'
                        FROM decisions d LEFT JOIN model_versions c ON c.id = d.candidate_model_version_id WHERE d.run_id = ?""")
                .param(runId)
                .query((rs, i) -> new DecisionSummary(rs.getString(1), rs.getString(2), rs.getString(3), (Integer) rs.getObject(4),
                        rs.getString(5), rs.getString(6)))
                .optional().orElse(null);
        List<AlertSummary> alerts = jdbc.sql("SELECT id, kind, severity, title, delivery_status FROM alerts WHERE run_id = ? ORDER BY id")
                .param(runId)
                .query((rs, i) -> new AlertSummary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list();
        Outputs outputs = new Outputs(dev.nightshift.contract.Tables.PREDICTIONS + " (pipeline = '" + run.pipeline()
                + "', business_date = '" + run.businessDate() + "')",
                dev.nightshift.contract.Warehouse.predictions(warehouseUri, run.pipeline()) + " (Delta, business_date = " + run.businessDate() + ")",
                dev.nightshift.contract.Warehouse.quarantine(warehouseUri, run.pipeline()) + " (Delta, business_date = " + run.businessDate() + ")");
        return Optional.of(new RunSummary(run, runs.rowsQuarantined(runId), runs.steps(runId), quality, metrics, share, drifted, decision,
                alerts, outputs));
    }
}
