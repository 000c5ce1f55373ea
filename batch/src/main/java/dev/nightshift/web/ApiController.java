package dev.nightshift.web;

import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.pipelines.PipelineSummary;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRepository;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read-only JSON over pipelines, runs and models. */
@RestController
@RequestMapping("/api")
public class ApiController {
    private final PipelineService pipelines;
    private final RunRepository runs;
    private final ModelRegistry registry;

    public ApiController(PipelineService pipelines, RunRepository runs, ModelRegistry registry) {
        this.pipelines = pipelines;
        this.runs = runs;
        this.registry = registry;
    }

    @GetMapping("/pipelines")
    public List<PipelineSummary> pipelines() {
        return pipelines.list();
    }

    @GetMapping("/runs")
    public List<RunRecord> runs(@RequestParam(required = false) String pipeline, @RequestParam(defaultValue = "50") int limit) {
        return runs.list(pipeline, Math.min(limit, 1000));
    }

    @GetMapping("/pipelines/{pipeline}/models")
    public List<ModelVersion> models(@PathVariable String pipeline) {
        pipelines.current(pipeline);
        return registry.list(pipeline);
    }
}
