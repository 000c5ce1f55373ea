package dev.nightshift.web.api;

import dev.nightshift.alerts.Alert;
import dev.nightshift.alerts.AlertRepository;
import dev.nightshift.monitoring.MonitoringReads;
import dev.nightshift.pipelines.PipelineService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What the nights measured and decided: metrics, drift, data quality, decisions, and the alerts they raised. */
@RestController
@RequestMapping("/api")
@Tag(name = "monitoring", description = "Live metrics, drift, data quality, decisions and alerts")
public class MonitoringApi {
    private final PipelineService pipelines;
    private final MonitoringReads reads;
    private final AlertRepository alerts;

    public MonitoringApi(PipelineService pipelines, MonitoringReads reads, AlertRepository alerts) {
        this.pipelines = pipelines;
        this.reads = reads;
        this.alerts = alerts;
    }

    @GetMapping("/pipelines/{pipeline}/metrics")
    @Operation(summary = "Metrics of labelled nights per model version with 95% intervals, newest night first")
    public Page<MonitoringReads.Metric> metrics(@PathVariable String pipeline, @RequestParam(required = false) String metric,
                                                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                                                @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "100") int limit) {
        pipelines.current(pipeline);
        return Page.of(reads.metrics(pipeline, metric, from, to, Page.checkOffset(offset), Page.checkLimit(limit) + 1), offset, limit);
    }

    @GetMapping("/pipelines/{pipeline}/segment-metrics")
    @Operation(summary = "The same metrics per value of each monitoring.segments column")
    public Page<MonitoringReads.SegmentMetric> segmentMetrics(@PathVariable String pipeline, @RequestParam(required = false) String segment,
                                                              @RequestParam(required = false) String metric,
                                                              @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                                              @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                                                              @RequestParam(defaultValue = "0") int offset,
                                                              @RequestParam(defaultValue = "100") int limit) {
        pipelines.current(pipeline);
        return Page.of(reads.segmentMetrics(pipeline, segment, metric, from, to, Page.checkOffset(offset), Page.checkLimit(limit) + 1),
                offset, limit);
    }

    @GetMapping("/pipelines/{pipeline}/drift")
    @Operation(summary = "Drift per night and feature (the judged statistic unless all=true); __dataset__ is the drifted share")
    public Page<MonitoringReads.Drift> drift(@PathVariable String pipeline, @RequestParam(required = false) String feature,
                                             @RequestParam(defaultValue = "false") boolean all,
                                             @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                             @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                                             @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "100") int limit) {
        pipelines.current(pipeline);
        return Page.of(reads.drift(pipeline, feature, !all, from, to, Page.checkOffset(offset), Page.checkLimit(limit) + 1), offset, limit);
    }

    @GetMapping("/pipelines/{pipeline}/data-quality")
    @Operation(summary = "Validation checks per night (only failed ones with failed=true)")
    public Page<MonitoringReads.Quality> dataQuality(@PathVariable String pipeline, @RequestParam(defaultValue = "false") boolean failed,
                                                     @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                                     @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                                                     @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "100") int limit) {
        pipelines.current(pipeline);
        return Page.of(reads.dataQuality(pipeline, failed, from, to, Page.checkOffset(offset), Page.checkLimit(limit) + 1), offset, limit);
    }

    @GetMapping("/pipelines/{pipeline}/decisions")
    @Operation(summary = "Each night's decision with every metric's reason, the candidate and the gate's verdict")
    public Page<MonitoringReads.DecisionRow> decisions(@PathVariable String pipeline,
                                                       @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                                       @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                                                       @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "50") int limit) {
        pipelines.current(pipeline);
        return Page.of(reads.decisions(pipeline, from, to, Page.checkOffset(offset), Page.checkLimit(limit) + 1), offset, limit);
    }

    @GetMapping("/alerts")
    @Operation(summary = "Alerts, most recently seen first")
    public Page<Alert> alerts(@RequestParam(required = false) String pipeline, @RequestParam(defaultValue = "0") int offset,
                              @RequestParam(defaultValue = "50") int limit) {
        if (pipeline != null) {
            pipelines.current(pipeline);
        }
        return Page.of(alerts.list(pipeline, Page.checkOffset(offset), Page.checkLimit(limit) + 1), offset, limit);
    }

    @GetMapping("/alerts/{id}")
    @Operation(summary = "One alert with its evidence and delivery")
    public Alert alert(@PathVariable long id) {
        return alerts.find(id).orElseThrow(() -> new ApiErrors.NotFoundException("no alert " + id));
    }
}
