package dev.nightshift.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Gauges of each pipeline's latest state, read from PostgreSQL so that they hold whichever process ran the night: the
 * dataset drift share of the latest measured night, the champion's latest live metric values, the rows scored and
 * quarantined by the latest completed run, the runs active now, and the staging tables killed landings left (each a
 * night's rows with their ids, until a night drops them, see V22). Cardinality is bounded: one series per pipeline,
 * and per pipeline at most the {@link #METRICS} listed. Refreshed every {@link #REFRESH_SECONDS} s while the HTTP side
 * runs (`serve`), and after every run this process finishes.
 */
@Component
public class PipelineGauges {
    /** The live metrics exported as gauges; the others stay in model_metrics and the API. */
    static final List<String> METRICS = List.of("auc", "pr_auc", "log_loss", "brier", "accuracy", "f1", "rmse", "mae", "r2");
    static final long REFRESH_SECONDS = 30;
    private static final Logger log = LoggerFactory.getLogger(PipelineGauges.class);

    private final JdbcClient jdbc;
    private final MultiGauge driftShare;
    private final MultiGauge metricValue;
    private final MultiGauge rowsScored;
    private final MultiGauge rowsQuarantined;
    private final MultiGauge activeRuns;
    private final MultiGauge leftoverStaging;
    private ScheduledExecutorService timer;

    public PipelineGauges(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.driftShare = MultiGauge.builder("nightshift.drift.share")
                .description("Share of drifted features on the pipeline's latest night with drift measured").register(meters);
        this.metricValue = MultiGauge.builder("nightshift.model.metric")
                .description("The champion's metric on the latest labelled night").register(meters);
        this.rowsScored = MultiGauge.builder("nightshift.last.run.rows.scored")
                .description("Rows scored by the pipeline's latest completed run").register(meters);
        this.rowsQuarantined = MultiGauge.builder("nightshift.last.run.rows.quarantined")
                .description("Input rows held back by validation in the pipeline's latest completed run").register(meters);
        this.activeRuns = MultiGauge.builder("nightshift.runs.active").description("Runs of the pipeline RUNNING now").register(meters);
        this.leftoverStaging = MultiGauge.builder("nightshift.staging.leftover")
                .description("Staging tables of the pipeline's killed landings still in nightshift_work (their runs are not RUNNING)")
                .register(meters);
    }

    @EventListener
    synchronized void start(WebServerInitializedEvent event) {
        if (timer != null) {
            return; // a separate management port starts a second web server
        }
        refresh();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pipeline-gauges");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::refreshLogged, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void refreshLogged() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again; the gauges keep their last values and the next try may work.
            log.warn("could not refresh the pipeline gauges: {}", e.getMessage());
        }
    }

    /** Reads every gauge's current values; series of pipelines or metrics that no longer have a value disappear. */
    public void refresh() {
        driftShare.register(jdbc.sql("""
                        SELECT DISTINCT ON (pipeline) pipeline, statistic FROM feature_drift
                        WHERE feature = '__dataset__' AND method = 'drift_share' AND statistic IS NOT NULL
                        ORDER BY pipeline, business_date DESC, computed_at DESC""")
                .query((rs, i) -> MultiGauge.Row.of(Tags.of("pipeline", rs.getString(1)), rs.getDouble(2))).list(), true);
        metricValue.register(jdbc.sql("""
                        SELECT DISTINCT ON (m.pipeline, m.metric) m.pipeline, m.metric, m.value
                        FROM model_metrics m JOIN model_aliases a ON a.model_version_id = m.model_version_id AND a.alias = 'champion'
                        WHERE m.metric = ANY (?)
                        ORDER BY m.pipeline, m.metric, m.business_date DESC""")
                .param(METRICS.toArray(String[]::new))
                .query((rs, i) -> MultiGauge.Row.of(Tags.of("pipeline", rs.getString(1), "metric", rs.getString(2)), rs.getDouble(3)))
                .list(), true);
        List<Object[]> latest = jdbc.sql("""
                        SELECT DISTINCT ON (pipeline) pipeline, rows_scored, rows_quarantined FROM runs
                        WHERE status = 'COMPLETED' ORDER BY pipeline, finished_at DESC""")
                .query((rs, i) -> new Object[] {rs.getString(1), rs.getObject(2), rs.getObject(3)}).list();
        rowsScored.register(latest.stream().filter(r -> r[1] != null)
                .map(r -> MultiGauge.Row.of(Tags.of("pipeline", (String) r[0]), ((Number) r[1]).doubleValue())).toList(), true);
        rowsQuarantined.register(latest.stream().filter(r -> r[2] != null)
                .map(r -> MultiGauge.Row.of(Tags.of("pipeline", (String) r[0]), ((Number) r[2]).doubleValue())).toList(), true);
        activeRuns.register(jdbc.sql("""
                        SELECT p.name, count(r.id) FROM pipelines p LEFT JOIN runs r ON r.pipeline = p.name AND r.status = 'RUNNING'
                        GROUP BY p.name""")
                .query((rs, i) -> MultiGauge.Row.of(Tags.of("pipeline", rs.getString(1)), rs.getLong(2))).list(), true);
        leftoverStaging.register(jdbc.sql("""
                        SELECT p.name, count(l.run_id) FROM pipelines p LEFT JOIN leftover_predictions_stages l ON l.pipeline = p.name
                        GROUP BY p.name""")
                .query((rs, i) -> MultiGauge.Row.of(Tags.of("pipeline", rs.getString(1)), rs.getLong(2))).list(), true);
    }
}
