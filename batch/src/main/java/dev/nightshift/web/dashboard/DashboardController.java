package dev.nightshift.web.dashboard;

import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.runs.RunLogFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/** The dashboard's pages: server-rendered HTML over {@link DashboardService}, charts inlined as SVG, no script needed. */
@Controller
public class DashboardController {
    private final DashboardService dashboard;
    private final PipelineService pipelines;
    private final RunLogFiles logs;

    public DashboardController(DashboardService dashboard, PipelineService pipelines, RunLogFiles logs) {
        this.dashboard = dashboard;
        this.pipelines = pipelines;
        this.logs = logs;
    }

    @GetMapping("/")
    public String overview(Model model) {
        model.addAttribute("rows", dashboard.overview());
        return "dashboard/overview";
    }

    @GetMapping("/pipelines/{pipeline}")
    public String pipeline(@PathVariable String pipeline, @RequestParam(defaultValue = "30") int nights, Model model) {
        model.addAttribute("pipeline", pipeline);
        model.addAttribute("spec", pipelines.current(pipeline));
        model.addAttribute("grid", dashboard.grid(pipeline, checkNights(nights)));
        return "dashboard/pipeline";
    }

    @GetMapping("/pipelines/{pipeline}/metrics")
    public String metrics(@PathVariable String pipeline, Model model) {
        model.addAttribute("pipeline", pipeline);
        model.addAttribute("charts", dashboard.charts(pipeline, LocalDate.of(9999, 12, 31)));
        return "dashboard/metrics";
    }

    @GetMapping("/pipelines/{pipeline}/drift")
    public String drift(@PathVariable String pipeline, @RequestParam(defaultValue = "30") int nights, Model model) {
        model.addAttribute("pipeline", pipeline);
        model.addAttribute("heatmap", dashboard.heatmap(pipeline, checkNights(nights)));
        return "dashboard/drift";
    }

    @GetMapping("/pipelines/{pipeline}/models")
    public String models(@PathVariable String pipeline, Model model) {
        model.addAttribute("pipeline", pipeline);
        model.addAttribute("models", dashboard.models(pipeline));
        return "dashboard/models";
    }

    @GetMapping("/runs/{id}")
    public String run(@PathVariable long id, Model model) {
        DashboardService.RunDetail detail = dashboard.run(id).orElseThrow(() -> new DashboardErrors.NotFound("There is no run " + id + "."));
        model.addAttribute("pipeline", detail.run().pipeline());
        model.addAttribute("d", detail);
        model.addAttribute("hasLog", logs.existing(id).isPresent());
        return "dashboard/run";
    }

    /** The report file the run wrote when it ended, as it was written. */
    @GetMapping("/runs/{id}/report")
    public ResponseEntity<byte[]> report(@PathVariable long id) throws IOException {
        DashboardService.RunDetail detail = dashboard.run(id).orElseThrow(() -> new DashboardErrors.NotFound("There is no run " + id + "."));
        DashboardQueries.ReportRow report = detail.report().orElseThrow(() -> new DashboardErrors.NotFound(
                "Run " + id + " has no report" + ("RUNNING".equals(detail.run().status()) ? " yet: it is still running." : ".")));
        if (!"WRITTEN".equals(report.status())) {
            throw new DashboardErrors.NotFound("The report of run " + id + " could not be written: " + report.error());
        }
        Path file = Path.of(URI.create(report.uri()));
        if (!Files.isRegularFile(file)) {
            throw new DashboardErrors.NotFound("The report of run " + id + " was written to " + report.uri() + " but is no longer there.");
        }
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .body(Files.readAllBytes(file));
    }

    /** The run's own log lines (orchestrator and Spark applications), as plain text. */
    @GetMapping("/runs/{id}/log")
    public ResponseEntity<FileSystemResource> log(@PathVariable long id) {
        DashboardService.RunDetail detail = dashboard.run(id).orElseThrow(() -> new DashboardErrors.NotFound("There is no run " + id + "."));
        Path file = logs.existing(id).orElseThrow(() -> new DashboardErrors.NotFound("Run " + id + " of " + detail.run().pipeline()
                + " has no log file at " + logs.file(id) + ": it ran in an orchestrator with another home, or before run log files existed."));
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_PLAIN, java.nio.charset.StandardCharsets.UTF_8))
                .body(new FileSystemResource(file));
    }

    /**
     * No icon: 204 instead of a 404, which browsers report as a console error. The HTML pages declare an empty icon, but
     * a plain-text page (a run's log) cannot, and the browser then asks for this one.
     */
    @GetMapping("/favicon.ico")
    public ResponseEntity<Void> favicon() {
        return ResponseEntity.noContent().build();
    }

    private static int checkNights(int nights) {
        if (nights < 1 || nights > 366) {
            throw new IllegalArgumentException("nights must be between 1 and 366, got " + nights);
        }
        return nights;
    }
}
