package dev.nightshift.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What the nights measured, as the API lists it: live metrics (overall and per segment), drift, data quality and
 * decisions of one pipeline, newest night first, filtered by a business-date range and paged in SQL.
 */
@Repository
public class MonitoringReads {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JdbcClient jdbc;

    public MonitoringReads(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A labelled night's metric for one model version, with its 95% interval. */
    public record Metric(LocalDate businessDate, int modelVersion, String metric, double value, Double ciLow, Double ciHigh, long n,
                         String method, long runId, OffsetDateTime evaluatedAt) {
    }

    /** The same per value of a segment column. */
    public record SegmentMetric(LocalDate businessDate, int modelVersion, String segment, String segmentValue, String metric, double value,
                                Double ciLow, Double ciHigh, long n, String method, long runId) {
    }

    /** One drift statistic of one feature on one night. */
    public record Drift(LocalDate businessDate, int modelVersion, String feature, String featureType, String method, boolean chosen,
                        Double statistic, Double pValue, double threshold, boolean drifted, long nCurrent, long nReference,
                        Double unseenShare, long runId) {
    }

    /** One validation check of one night. */
    public record Quality(LocalDate businessDate, String checkName, String column, Double value, Double threshold, boolean passed,
                          Long failingRows, String detail, long runId) {
    }

    /** A night's decision with its reasons and the gate's verdict (both as stored JSON). */
    public record DecisionRow(long runId, LocalDate businessDate, Integer modelVersion, String outcome, String trigger, Object reasons,
                              Integer candidateVersion, String action, Object gate, OffsetDateTime decidedAt) {
    }

    public List<Metric> metrics(String pipeline, String metric, LocalDate from, LocalDate to, int offset, int limit) {
        return jdbc.sql("""
                        SELECT m.business_date, mv.version, m.metric, m.value, m.ci_low, m.ci_high, m.n, m.method, m.run_id, m.evaluated_at
                        FROM model_metrics m JOIN model_versions mv ON mv.id = m.model_version_id
                        WHERE m.pipeline = ? AND (CAST(? AS text) IS NULL OR m.metric = ?) AND %s
                        ORDER BY m.business_date DESC, mv.version DESC, m.metric OFFSET ? LIMIT ?""".formatted(range("m")))
                .params(pipeline, metric, metric, from, from, to, to, offset, limit)
                .query((rs, i) -> new Metric(rs.getObject(1, LocalDate.class), rs.getInt(2), rs.getString(3), rs.getDouble(4),
                        (Double) rs.getObject(5), (Double) rs.getObject(6), rs.getLong(7), rs.getString(8), rs.getLong(9),
                        rs.getObject(10, OffsetDateTime.class)))
                .list();
    }

    public List<SegmentMetric> segmentMetrics(String pipeline, String segment, String metric, LocalDate from, LocalDate to, int offset,
                                              int limit) {
        return jdbc.sql("""
                        SELECT m.business_date, mv.version, m.segment, m.segment_value, m.metric, m.value, m.ci_low, m.ci_high, m.n,
                               m.method, m.run_id
                        FROM model_segment_metrics m JOIN model_versions mv ON mv.id = m.model_version_id
                        WHERE m.pipeline = ? AND (CAST(? AS text) IS NULL OR m.segment = ?) AND (CAST(? AS text) IS NULL OR m.metric = ?)
                          AND %s
                        ORDER BY m.business_date DESC, mv.version DESC, m.segment, m.segment_value, m.metric OFFSET ? LIMIT ?"""
                        .formatted(range("m")))
                .params(pipeline, segment, segment, metric, metric, from, from, to, to, offset, limit)
                .query((rs, i) -> new SegmentMetric(rs.getObject(1, LocalDate.class), rs.getInt(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getDouble(6), (Double) rs.getObject(7), (Double) rs.getObject(8), rs.getLong(9),
                        rs.getString(10), rs.getLong(11)))
                .list();
    }

    public List<Drift> drift(String pipeline, String feature, boolean chosenOnly, LocalDate from, LocalDate to, int offset, int limit) {
        return jdbc.sql("""
                        SELECT d.business_date, mv.version, d.feature, d.feature_type, d.method, d.chosen, d.statistic, d.p_value,
                               d.threshold, d.drifted, d.n_current, d.n_reference, d.unseen_share, d.run_id
                        FROM feature_drift d JOIN model_versions mv ON mv.id = d.model_version_id
                        WHERE d.pipeline = ? AND (CAST(? AS text) IS NULL OR d.feature = ?) AND (NOT ? OR d.chosen) AND %s
                        ORDER BY d.business_date DESC, mv.version DESC, d.feature, d.method OFFSET ? LIMIT ?""".formatted(range("d")))
                .params(pipeline, feature, feature, chosenOnly, from, from, to, to, offset, limit)
                .query((rs, i) -> new Drift(rs.getObject(1, LocalDate.class), rs.getInt(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getBoolean(6), (Double) rs.getObject(7), (Double) rs.getObject(8), rs.getDouble(9),
                        rs.getBoolean(10), rs.getLong(11), rs.getLong(12), (Double) rs.getObject(13), rs.getLong(14)))
                .list();
    }

    public List<Quality> dataQuality(String pipeline, boolean failedOnly, LocalDate from, LocalDate to, int offset, int limit) {
        return jdbc.sql("""
                        SELECT q.business_date, q.check_name, q.column_name, q.value, q.threshold, q.passed, q.failing_rows, q.detail, q.run_id
                        FROM data_quality q
                        WHERE q.pipeline = ? AND (NOT ? OR NOT q.passed) AND %s
                        ORDER BY q.business_date DESC, q.check_name, q.column_name NULLS FIRST OFFSET ? LIMIT ?""".formatted(range("q")))
                .params(pipeline, failedOnly, from, from, to, to, offset, limit)
                .query((rs, i) -> new Quality(rs.getObject(1, LocalDate.class), rs.getString(2), rs.getString(3), (Double) rs.getObject(4),
                        (Double) rs.getObject(5), rs.getBoolean(6), (Long) rs.getObject(7), rs.getString(8), rs.getLong(9)))
                .list();
    }

    public List<DecisionRow> decisions(String pipeline, LocalDate from, LocalDate to, int offset, int limit) {
        return jdbc.sql("""
                        SELECT d.run_id, d.business_date, mv.version, d.outcome, d.trigger, d.reasons::text, c.version, d.action,
                               d.gate::text, d.decided_at
                        FROM decisions d LEFT JOIN model_versions mv ON mv.id = d.model_version_id
                             LEFT JOIN model_versions c ON c.id = d.candidate_model_version_id
                        WHERE d.pipeline = ? AND %s
                        ORDER BY d.business_date DESC, d.id DESC OFFSET ? LIMIT ?""".formatted(range("d")))
                .params(pipeline, from, from, to, to, offset, limit)
                .query((rs, i) -> new DecisionRow(rs.getLong(1), rs.getObject(2, LocalDate.class), (Integer) rs.getObject(3),
                        rs.getString(4), rs.getString(5), json(rs.getString(6)), (Integer) rs.getObject(7), rs.getString(8),
                        json(rs.getString(9)), rs.getObject(10, OffsetDateTime.class)))
                .list();
    }

    private static String range(String alias) {
        return "(CAST(? AS date) IS NULL OR %1$s.business_date >= ?) AND (CAST(? AS date) IS NULL OR %1$s.business_date <= ?)"
                .formatted(alias);
    }

    private static Object json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
