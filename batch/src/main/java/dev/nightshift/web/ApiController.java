package dev.nightshift.web;

import dev.nightshift.alerts.Alert;
import dev.nightshift.alerts.AlertRepository;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.pipelines.PipelineSummary;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRepository;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read-only JSON over pipelines, runs, models and alerts. Lists are paged ({@code offset}, {@code limit}); errors are problem details. */
@RestController
@RequestMapping("/api")
public class ApiController {
    private final PipelineService pipelines;
    private final RunRepository runs;
    private final ModelRegistry registry;
    private final AlertRepository alerts;

    public ApiController(PipelineService pipelines, RunRepository runs, ModelRegistry registry, AlertRepository alerts) {
        this.pipelines = pipelines;
        this.runs = runs;
        this.registry = registry;
        this.alerts = alerts;
    }

    @GetMapping("/pipelines")
    public Page<PipelineSummary> pipelines(@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "100") int limit) {
        List<PipelineSummary> all = pipelines.list();
        return Page.of(all.subList(Math.min(Page.checkOffset(offset), all.size()), all.size()).stream()
                .limit(Page.checkLimit(limit) + 1L).toList(), offset, limit);
    }

    @GetMapping("/pipelines/{pipeline}")
    public Map<String, Object> pipeline(@PathVariable String pipeline) {
        var spec = pipelines.current(pipeline);
        return Map.of("name", pipeline, "specVersion", spec.version(), "spec", spec.spec(), "sha256", spec.sha256());
    }

    @GetMapping("/runs")
    public Page<RunRecord> runs(@RequestParam(required = false) String pipeline, @RequestParam(defaultValue = "0") int offset,
                                @RequestParam(defaultValue = "50") int limit) {
        if (pipeline != null) {
            pipelines.current(pipeline);
        }
        return Page.of(runs.list(pipeline, Page.checkOffset(offset), Page.checkLimit(limit) + 1), offset, limit);
    }

    @GetMapping("/runs/{id}")
    public Map<String, Object> run(@PathVariable long id) {
        RunRecord run = runs.find(id).orElseThrow(() -> new ApiErrors.NotFoundException("no run " + id));
        return Map.of("run", run, "steps", runs.steps(id));
    }

    @GetMapping("/alerts")
    public Page<Alert> alerts(@RequestParam(required = false) String pipeline, @RequestParam(defaultValue = "0") int offset,
                              @RequestParam(defaultValue = "50") int limit) {
        if (pipeline != null) {
            pipelines.current(pipeline);
        }
        return Page.of(alerts.list(pipeline, Page.checkOffset(offset), Page.checkLimit(limit) + 1), offset, limit);
    }

    @GetMapping("/pipelines/{pipeline}/models")
    public Page<ModelVersion> models(@PathVariable String pipeline, @RequestParam(defaultValue = "0") int offset,
                                     @RequestParam(defaultValue = "50") int limit) {
        pipelines.current(pipeline);
        List<ModelVersion> all = registry.list(pipeline);
        return Page.of(all.subList(Math.min(Page.checkOffset(offset), all.size()), all.size()).stream()
                .limit(Page.checkLimit(limit) + 1L).toList(), offset, limit);
    }
}
