package dev.nightshift.reports;

import dev.nightshift.config.NightshiftHome;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.web.dashboard.DashboardService;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * Writes a run's self-contained HTML report (summary, steps, decision, quality, metrics, drift, alerts, the judged metric's
 * trend as inline SVG; CSS inlined, no script, no external resource) to
 * {@code <warehouse>/reports/<pipeline>/<date>/run-<id>.html} and records where in {@code run_reports}, or why it failed.
 */
@Service
public class RunReportService {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunReportService.class);
    static final String CSS = "static/assets/dashboard.css";

    private final DashboardService dashboard;
    private final PipelineService pipelines;
    private final ITemplateEngine templates;
    private final NightshiftProperties props;
    private final JdbcClient jdbc;

    public RunReportService(DashboardService dashboard, PipelineService pipelines, ITemplateEngine templates, NightshiftProperties props,
                            JdbcClient jdbc) {
        this.dashboard = dashboard;
        this.pipelines = pipelines;
        this.templates = templates;
        this.props = props;
        this.jdbc = jdbc;
    }

    /** The report's HTML as of now. */
    public String render(long runId) {
        DashboardService.RunDetail d = dashboard.run(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
        String primary = DashboardService.primaryMetric(pipelines.version(d.run().pipeline(), d.run().specVersion()).spec());
        List<DashboardService.Chart> charts = dashboard.charts(d.run().pipeline(), d.run().businessDate());
        Context ctx = new Context();
        ctx.setVariable("d", d);
        ctx.setVariable("css", css());
        ctx.setVariable("chart", charts.stream().filter(c -> c.metric().equals(primary)).findFirst().orElse(null));
        ctx.setVariable("writtenAt", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        return templates.process("report/run-report", ctx);
    }

    /** Where a run's report goes under the warehouse (a {@code file:} warehouse; others are not supported yet). */
    public Path location(String pipeline, java.time.LocalDate date, long runId) {
        URI warehouse = URI.create(NightshiftHome.warehouseUri(props));
        if (!"file".equals(warehouse.getScheme())) {
            throw new IllegalStateException("run reports are written to file: warehouses only; the warehouse is " + warehouse);
        }
        return Path.of(warehouse).resolve("reports").resolve(pipeline).resolve(date.toString()).resolve("run-" + runId + ".html");
    }

    /**
     * Renders and writes the report, replacing an earlier one of the same run (a restarted run), and records it. A failure
     * is recorded on {@code run_reports} with its reason and logged; it is not thrown, so it never replaces the run's own
     * outcome.
     */
    public Outcome write(long runId) {
        try {
            var run = dashboard.run(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId)).run();
            Path file = location(run.pipeline(), run.businessDate(), runId);
            byte[] html = render(runId).getBytes(StandardCharsets.UTF_8);
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            Files.write(tmp, html);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            record(runId, "WRITTEN", file.toUri().toString(), (long) html.length, null);
            return new Outcome(true, file.toUri().toString(), html.length, null);
        } catch (Exception e) {
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.error("the report of run {} could not be written (the run keeps its own status): {}", runId, reason, e);
            record(runId, "FAILED", null, null, reason);
            return new Outcome(false, null, 0, reason);
        }
    }

    /** What {@link #write} did. */
    public record Outcome(boolean written, String uri, long bytes, String error) {
    }

    private void record(long runId, String status, String uri, Long bytes, String error) {
        jdbc.sql("""
                        INSERT INTO run_reports (run_id, status, uri, bytes, error, written_at) VALUES (?, ?, ?, ?, ?, now())
                        ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, uri = excluded.uri, bytes = excluded.bytes,
                            error = excluded.error, written_at = excluded.written_at""")
                .params(runId, status, uri, bytes, error).update();
    }

    private static String css() {
        try (InputStream in = RunReportService.class.getClassLoader().getResourceAsStream(CSS)) {
            if (in == null) {
                throw new IllegalStateException(CSS + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + CSS + ": " + e.getMessage(), e);
        }
    }
}
