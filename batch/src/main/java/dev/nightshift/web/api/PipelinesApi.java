package dev.nightshift.web.api;

import dev.nightshift.security.Actors;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.pipelines.AppliedSpec;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.pipelines.PipelineSummary;
import dev.nightshift.scheduling.PipelineScheduler;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.quartz.SchedulerException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Pipelines: their current specs, applying a new spec, pausing and resuming their schedules. */
@RestController
@RequestMapping("/api/pipelines")
@Tag(name = "pipelines", description = "Applied pipelines, their specs and schedules")
public class PipelinesApi {
    private final PipelineService pipelines;
    private final PipelineScheduler scheduler;

    public PipelinesApi(PipelineService pipelines, PipelineScheduler scheduler) {
        this.pipelines = pipelines;
        this.scheduler = scheduler;
    }

    /** A pipeline's current spec. */
    public record PipelineDetail(String name, int specVersion, String sha256, java.time.OffsetDateTime appliedAt, PipelineSpec spec) {
        static PipelineDetail of(AppliedSpec s) {
            return new PipelineDetail(s.pipeline(), s.version(), s.sha256(), s.appliedAt(), s.spec());
        }
    }

    /** The outcome of applying a spec: its version and whether it changed anything. */
    public record Applied(String name, int specVersion, String sha256, boolean changed) {
    }

    /** A pipeline's schedule state after pause or resume. */
    public record ScheduleState(String pipeline, boolean paused) {
    }

    @GetMapping
    @Operation(summary = "List pipelines with spec version, schedule, champion and last run")
    public Page<PipelineSummary> list(@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "100") int limit) {
        return Page.slice(pipelines.list(), offset, limit);
    }

    @GetMapping("/{pipeline}")
    @Operation(summary = "A pipeline's current spec")
    public PipelineDetail get(@PathVariable String pipeline) {
        return PipelineDetail.of(pipelines.current(pipeline));
    }

    @PutMapping(value = "/{pipeline}", consumes = {"application/yaml", "application/x-yaml", "text/yaml", "text/plain"})
    @Operation(summary = "Apply a spec (YAML body); an unchanged spec keeps its version (admin)",
            description = "422 with the spec's problems (field and what was expected) if it is invalid; audited as pipeline.apply")
    public Applied apply(@PathVariable String pipeline, @RequestBody String yaml) {
        AppliedSpec applied = pipelines.applyText("PUT /api/pipelines/" + pipeline, yaml, pipeline, Actors.currentRequest());
        return new Applied(applied.pipeline(), applied.version(), applied.sha256(), applied.changed());
    }

    @PostMapping("/{pipeline}/pause")
    @Operation(summary = "Pause a pipeline's scheduled runs (operator); audited as schedule.pause")
    public ScheduleState pause(@PathVariable String pipeline) throws SchedulerException {
        return setPaused(pipeline, true);
    }

    @PostMapping("/{pipeline}/resume")
    @Operation(summary = "Resume a paused schedule from its next fire time (operator); audited as schedule.resume")
    public ScheduleState resume(@PathVariable String pipeline) throws SchedulerException {
        return setPaused(pipeline, false);
    }

    private ScheduleState setPaused(String pipeline, boolean paused) throws SchedulerException {
        if (pipelines.current(pipeline).spec().schedule() == null) {
            throw new ApiErrors.ConflictException("pipeline " + pipeline + " has no schedule to pause or resume (manual runs only)");
        }
        scheduler.setPaused(pipeline, paused, Actors.currentRequest());
        return new ScheduleState(pipeline, paused);
    }
}
