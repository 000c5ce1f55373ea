package dev.nightshift.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reads what a finished run left in PostgreSQL and turns it into alert conditions: the failure itself, failed data
 * quality checks, judged drift, the monitoring policy's decision, and staging tables killed landings left. Tables and
 * views that another migration has not created yet ({@code data_quality}, {@code decisions},
 * {@code leftover_predictions_stages}) are skipped, so alerting works on any schema version since V10.
 */
@Component
public class RunConditions {
    private static final int MAX_ERROR_IN_TITLE = 200;

    private final JdbcClient jdbc;

    public RunConditions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A nightly run as it ended: failed or not, at which step (null if none ran) and why; {@code artifactRefused}: a
     * Spark job refused to load a model artifact that no longer matches its registered manifest.
     */
    public record FinishedRun(long runId, String pipeline, LocalDate businessDate, boolean failed, String failedStep, String error,
                              boolean artifactRefused) {
        public FinishedRun(long runId, String pipeline, LocalDate businessDate, boolean failed, String failedStep, String error) {
            this(runId, pipeline, businessDate, failed, failedStep, error, false);
        }
    }

    public List<Condition> of(FinishedRun run) {
        List<Condition> conditions = new ArrayList<>();
        if (run.failed()) {
            conditions.add(runFailed(run));
        }
        if (run.artifactRefused()) {
            conditions.add(artifactTampered(run));
        }
        conditions.addAll(dataQuality(run));
        conditions.addAll(drift(run));
        conditions.addAll(decision(run));
        conditions.addAll(leftoverStaging(run));
        return conditions;
    }

    /**
     * Staging tables of the pipeline's earlier landings that are still there when the run ends. A landing killed
     * between its COPY and its publication leaves {@code nightshift_work.predictions_stage_<run>}, a night's rows with
     * their ids; the score step of every night that lands drops those of runs that are no longer RUNNING (V22), except
     * a table somebody still holds (an orphaned job still COPYing), which it leaves after a one-second wait. What is
     * left here is such a table, or one the run did not try to drop because it failed before landing. Either way the
     * rows outlive their night and {@code nightshift forget} refuses to run while one is locked: a warning that names
     * the runs, the tables and the server processes holding them (V23's view {@code leftover_predictions_stages}). The
     * run's own tables do not count.
     */
    List<Condition> leftoverStaging(FinishedRun run) {
        if (!exists("nightshift.leftover_predictions_stages")) {
            return List.of();
        }
        List<Leftover> rows = jdbc.sql("""
                        SELECT run_id, run_status, staging_table, locked_by_pids FROM leftover_predictions_stages
                        WHERE pipeline = ? AND run_id <> ? ORDER BY run_id""")
                .params(run.pipeline(), run.runId())
                .query((rs, i) -> new Leftover(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list();
        if (rows.isEmpty()) {
            return List.of();
        }
        List<Map<String, Object>> tables = new ArrayList<>();
        for (Leftover l : rows) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("runId", l.runId());
            t.put("runStatus", l.status());
            t.put("table", l.table());
            t.put("lockedByPids", l.holders());
            tables.add(t);
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("tables", tables);
        String title = leftoverTitle(rows);
        return List.of(new Condition(run.pipeline(), run.businessDate(), run.runId(), AlertKind.LEFTOVER_STAGING, Severity.WARNING,
                "staging", title, detail));
    }

    /** A staging table a killed landing left: its run, the run's status, the table, the pids holding a lock on it (or null). */
    record Leftover(long runId, String status, String table, String holders) {
    }

    /** The title of a {@code leftover_staging} alert: how many tables, of which runs, and who holds the locked ones. */
    static String leftoverTitle(List<Leftover> rows) {
        int n = rows.size();
        List<String> locked = rows.stream().filter(l -> l.holders() != null).map(l -> "run " + l.runId() + "'s by pid " + l.holders()).toList();
        String runs = rows.stream().map(l -> String.valueOf(l.runId())).collect(Collectors.joining(", "));
        return (n == 1 ? "a staging table of a killed landing remains" : n + " staging tables of killed landings remain")
                + " with a night's rows and their ids (run" + (n == 1 ? " " : "s ") + runs + ")"
                + (locked.isEmpty() ? ": the next night that lands drops " + (n == 1 ? "it" : "them")
                        : (locked.size() == 1 ? "; one is locked by a server process still using it ("
                                : "; " + locked.size() + " are locked by server processes still using them (")
                        + String.join(", ", locked) + "): nights leave a locked table, and nightshift forget refuses to run until it is free");
    }

    static Condition runFailed(FinishedRun run) {
        String step = run.failedStep() == null ? "none" : run.failedStep();
        String error = run.error() == null ? "no error recorded" : run.error();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("step", step);
        detail.put("error", error);
        return new Condition(run.pipeline(), run.businessDate(), run.runId(), AlertKind.RUN_FAILED, Severity.CRITICAL, "step:" + step,
                "run " + run.runId() + " failed" + (run.failedStep() == null ? "" : " at step " + step) + ": "
                        + abbreviate(error, MAX_ERROR_IN_TITLE), detail);
    }

    /**
     * A model artifact changed after it was registered (or a file went missing or appeared): the run refused it, and
     * someone must find out who or what touched the model store. Critical, grouped per pipeline.
     */
    static Condition artifactTampered(FinishedRun run) {
        String error = run.error() == null ? "no error recorded" : run.error();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("step", run.failedStep() == null ? "none" : run.failedStep());
        detail.put("error", error);
        return new Condition(run.pipeline(), run.businessDate(), run.runId(), AlertKind.ARTIFACT_TAMPERED, Severity.CRITICAL, "artifact",
                "model artifact of " + run.pipeline() + " does not match its registered manifest and was refused: "
                        + abbreviate(error, MAX_ERROR_IN_TITLE), detail);
    }

    /**
     * Features whose chosen statistic drifted. Only the chosen rows count: the others are for transparency, judged
     * against default thresholds the pipeline's policy does not use. Rows come from the latest run that measured the
     * night, which is an earlier execution when a restart skipped the completed monitor step.
     */
    List<Condition> drift(FinishedRun run) {
        record Drifted(String feature, String method, Double statistic, Double pValue, double threshold, int modelVersion) {
        }
        List<Drifted> rows = jdbc.sql("""
                        SELECT d.feature, d.method, d.statistic, d.p_value, d.threshold, mv.version
                        FROM feature_drift d JOIN model_versions mv ON mv.id = d.model_version_id
                        WHERE d.pipeline = ? AND d.business_date = ? AND d.chosen AND d.drifted
                          AND d.run_id = (SELECT max(run_id) FROM feature_drift WHERE pipeline = ? AND business_date = ?)
                        ORDER BY d.feature""")
                .params(run.pipeline(), run.businessDate(), run.pipeline(), run.businessDate())
                .query((rs, i) -> new Drifted(rs.getString(1), rs.getString(2), (Double) rs.getObject(3), (Double) rs.getObject(4),
                        rs.getDouble(5), rs.getInt(6)))
                .list();
        if (rows.isEmpty()) {
            return List.of();
        }
        List<Map<String, Object>> features = new ArrayList<>();
        for (Drifted d : rows) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("feature", d.feature());
            f.put("method", d.method());
            f.put("statistic", d.statistic());
            f.put("pValue", d.pValue());
            f.put("threshold", d.threshold());
            features.add(f);
        }
        String names = rows.stream().map(Drifted::feature).collect(Collectors.joining(", "));
        String summary = rows.stream().map(d -> d.feature() + " (" + d.method() + " "
                + (d.pValue() != null ? "p " + fmt(d.pValue()) + " < " : fmt(d.statistic()) + " > ") + fmt(d.threshold()) + ")")
                .collect(Collectors.joining(", "));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("modelVersion", rows.get(0).modelVersion());
        detail.put("features", features);
        return List.of(new Condition(run.pipeline(), run.businessDate(), run.runId(), AlertKind.DRIFT, Severity.WARNING,
                "features:" + rows.stream().map(Drifted::feature).collect(Collectors.joining(",")),
                "drift in " + rows.size() + (rows.size() == 1 ? " feature" : " features") + " against model v"
                        + rows.get(0).modelVersion() + ": " + summary, detail));
    }

    /** Failed checks of the night's validation (V9's {@code data_quality}), one condition per check and column. */
    List<Condition> dataQuality(FinishedRun run) {
        if (!exists("nightshift.data_quality")) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT check_name, column_name, value, threshold, failing_rows, detail::text
                        FROM data_quality
                        WHERE pipeline = ? AND business_date = ? AND NOT passed
                          AND run_id IS NOT DISTINCT FROM (SELECT max(run_id) FROM data_quality WHERE pipeline = ? AND business_date = ?)
                        ORDER BY check_name, column_name""")
                .params(run.pipeline(), run.businessDate(), run.pipeline(), run.businessDate())
                .query((rs, i) -> {
                    String check = rs.getString(1);
                    String column = rs.getString(2);
                    Object value = rs.getObject(3);
                    Object threshold = rs.getObject(4);
                    Object failingRows = rs.getObject(5);
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("check", check);
                    detail.put("column", column);
                    detail.put("value", number(value));
                    detail.put("threshold", number(threshold));
                    detail.put("failingRows", number(failingRows));
                    detail.put("detail", jsonOrText(rs.getString(6)));
                    String title = "data quality check " + check + (column == null ? "" : " on " + column) + " failed"
                            + (value == null ? "" : ": " + fmt(value) + (threshold == null ? "" : " against " + fmt(threshold)))
                            + (failingRows == null ? "" : ", " + failingRows + " failing rows");
                    return new Condition(run.pipeline(), run.businessDate(), run.runId(), AlertKind.DATA_QUALITY_FAILED,
                            Severity.WARNING, "check:" + check + (column == null ? "" : ":" + column), title, detail);
                })
                .list();
    }

    /**
     * The latest decision of the night (V8's {@code decisions}): a metric breach, a decision to retrain, and what
     * happened to a candidate (promoted, challenger, rejected, or waiting for a person to promote it).
     */
    List<Condition> decision(FinishedRun run) {
        if (!exists("nightshift.decisions")) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT d.id, d.outcome, d.trigger, d.reasons::text, d.action, d.gate::text, mv.version, cv.version
                        FROM decisions d
                        LEFT JOIN model_versions mv ON mv.id = d.model_version_id
                        LEFT JOIN model_versions cv ON cv.id = d.candidate_model_version_id
                        WHERE d.run_id = ?""")
                .params(run.runId())
                .query((rs, i) -> decisionConditions(run, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), (Integer) rs.getObject(7), (Integer) rs.getObject(8)))
                .optional().orElse(List.of());
    }

    static List<Condition> decisionConditions(FinishedRun run, long decisionId, String outcome, String trigger, String reasons,
                                              String action, String gate, Integer modelVersion, Integer candidateVersion) {
        List<Condition> conditions = new ArrayList<>();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("decisionId", decisionId);
        detail.put("outcome", outcome);
        detail.put("trigger", trigger);
        detail.put("modelVersion", modelVersion);
        detail.put("reasons", jsonOrText(reasons));
        String model = modelVersion == null ? "" : " of model v" + modelVersion;
        TreeSet<String> metrics = breachedMetrics(reasons);
        if (!metrics.isEmpty()) {
            String subject = String.join(",", metrics);
            conditions.add(new Condition(run.pipeline(), run.businessDate(), run.runId(), AlertKind.METRIC_BREACH, Severity.WARNING,
                    "metrics:" + subject, "metric breach" + model + (metrics.isEmpty() ? "" : ": " + String.join(", ", metrics)),
                    detail));
        }
        if ("retrain".equals(outcome)) {
            conditions.add(new Condition(run.pipeline(), run.businessDate(), run.runId(), AlertKind.RETRAIN_DECISION, Severity.INFO,
                    "trigger:" + (trigger == null ? "none" : trigger),
                    "retraining decided" + (trigger == null ? "" : " (trigger: " + trigger + ")") + model, detail));
        }
        String candidate = candidateVersion == null ? "the candidate" : "candidate v" + candidateVersion;
        Map<String, Object> promotion = new LinkedHashMap<>(detail);
        promotion.put("candidateVersion", candidateVersion);
        promotion.put("action", action);
        promotion.put("gate", jsonOrText(gate));
        String subject = "candidate:" + (candidateVersion == null ? "none" : candidateVersion) + ":";
        if (action != null) {
            String title = switch (action) {
                case "promoted" -> candidate + " was promoted to champion";
                case "challenger" -> candidate + " was registered as challenger";
                case "rejected" -> candidate + " was rejected by the promotion gate";
                default -> candidate + ": " + action;
            };
            conditions.add(new Condition(run.pipeline(), run.businessDate(), run.runId(), AlertKind.PROMOTION,
                    "rejected".equals(action) ? Severity.WARNING : Severity.INFO, subject + action, title, promotion));
        } else if ("awaiting_promotion".equals(outcome)) {
            conditions.add(new Condition(run.pipeline(), run.businessDate(), run.runId(), AlertKind.PROMOTION, Severity.WARNING,
                    "challenger:awaiting", "a challenger from an earlier retrain waits for a person to promote it"
                    + " (nightshift models promote " + run.pipeline() + ")", promotion));
        }
        return conditions;
    }

    /** The metrics the decide step found breached: {@code reasons.metrics[]} entries with status {@code breached}. */
    static TreeSet<String> breachedMetrics(String reasons) {
        TreeSet<String> metrics = new TreeSet<>();
        if (reasons == null) {
            return metrics;
        }
        JsonNode root;
        try {
            root = AlertRepository.JSON.readTree(reasons);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("decisions.reasons is not JSON: " + e.getOriginalMessage(), e);
        }
        for (JsonNode m : root.path("metrics")) {
            if ("breached".equals(m.path("status").asText()) && m.path("metric").isTextual()) {
                metrics.add(m.path("metric").asText());
            }
        }
        return metrics;
    }

    private boolean exists(String table) {
        return jdbc.sql("SELECT to_regclass(?) IS NOT NULL").param(table).query(Boolean.class).single();
    }

    private static Object jsonOrText(String value) {
        if (value == null) {
            return null;
        }
        try {
            return AlertRepository.JSON.readValue(value, Object.class);
        } catch (JsonProcessingException e) {
            return value;
        }
    }

    private static Object number(Object value) {
        return value instanceof java.math.BigDecimal b ? b.doubleValue() : value;
    }

    private static String fmt(Object value) {
        if (value instanceof Number n && !(value instanceof Long) && !(value instanceof Integer)) {
            double d = n.doubleValue();
            return Math.abs(d) >= 0.001 || d == 0 ? String.format(Locale.ROOT, "%.3g", d) : String.format(Locale.ROOT, "%.2e", d);
        }
        return String.valueOf(value);
    }

    private static String abbreviate(String s, int max) {
        String one = s.replace('\n', ' ');
        return one.length() <= max ? one : one.substring(0, max - 3) + "...";
    }
}
