package dev.nightshift.web.api;

import dev.nightshift.security.Actors;
import dev.nightshift.backfill.BackfillService;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.runs.RunLogFiles;
import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRefusedException;
import dev.nightshift.runs.RunRepository;
import dev.nightshift.runs.RunRequest;
import dev.nightshift.runs.RunService;
import dev.nightshift.runs.RunTrigger;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.FileSystemResource;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Runs: history and detail, and the long operations that start them (a night, a backfill, a retrain). Those answer
 * 202 Accepted at once with the run id(s) and a Location to poll; refusals (an active run of the date, a completed date
 * without {@code rerun}) are 409 before anything starts.
 */
@RestController
@RequestMapping("/api")
@Tag(name = "runs", description = "Nightly runs: history, steps, and starting runs, backfills and retrains")
public class RunsApi {
    /** A backfill over more dates than this is refused: run it in parts (or from the CLI). */
    static final int MAX_BACKFILL_DATES = 366;

    private final PipelineService pipelines;
    private final RunRepository runs;
    private final RunService runService;
    private final BackfillService backfill;
    private final ExecutorService executor;
    private final RunLogFiles logs;

    public RunsApi(PipelineService pipelines, RunRepository runs, RunService runService, BackfillService backfill,
                   @Qualifier(ApiConfiguration.RUN_EXECUTOR) ExecutorService executor, RunLogFiles logs) {
        this.logs = logs;
        this.pipelines = pipelines;
        this.runs = runs;
        this.runService = runService;
        this.backfill = backfill;
        this.executor = executor;
    }

    /** A run with its steps and its quarantined row count. */
    public record RunDetail(RunRecord run, Long rowsQuarantined, List<RunRepository.StepRecord> steps) {
    }

    /** Body of {@code POST /api/pipelines/{p}/runs}. */
    public record RunBody(LocalDate businessDate, Boolean rerun, Boolean retrain) {
    }

    /** Body of {@code POST /api/pipelines/{p}/retrain}; without a date, the latest completed night is re-run. */
    public record RetrainBody(LocalDate businessDate) {
    }

    /** Body of {@code POST /api/pipelines/{p}/backfills}. */
    public record BackfillBody(LocalDate from, LocalDate to, Integer parallel, Boolean rerun) {
    }

    /** A started run: poll {@code location} until its status is no longer RUNNING. */
    public record Accepted(long runId, String pipeline, LocalDate businessDate, String status, String location) {
    }

    /** A started backfill: the dates it will run, those it skips as completed, and where to poll their runs. */
    public record BackfillAccepted(String pipeline, LocalDate from, LocalDate to, List<LocalDate> dates, List<LocalDate> skipped,
                                   int parallel, String location) {
    }

    @GetMapping("/runs")
    @Operation(summary = "Run history, newest first; filter by pipeline, status (RUNNING, COMPLETED, FAILED) and business dates")
    public Page<RunRecord> list(@RequestParam(required = false) String pipeline, @RequestParam(required = false) String status,
                                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                                @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "50") int limit) {
        if (pipeline != null) {
            pipelines.current(pipeline);
        }
        String wanted = status == null ? null : status.toUpperCase(Locale.ROOT);
        if (wanted != null && !List.of("RUNNING", "COMPLETED", "FAILED").contains(wanted)) {
            throw new ApiErrors.BadFieldException("status", "expected RUNNING, COMPLETED or FAILED, got '" + status + "'");
        }
        return Page.of(runs.search(pipeline, wanted, from, to, Page.checkOffset(offset), Page.checkLimit(limit) + 1), offset, limit);
    }

    @GetMapping("/runs/{id}")
    @Operation(summary = "A run with its steps (status, start, end, exit message) and rows quarantined")
    public RunDetail get(@PathVariable long id) {
        RunRecord run = find(id);
        return new RunDetail(run, runs.rowsQuarantined(id), runs.steps(id));
    }

    @GetMapping("/runs/{id}/steps")
    @Operation(summary = "A run's steps in the order they ran")
    public Page<RunRepository.StepRecord> steps(@PathVariable long id, @RequestParam(defaultValue = "0") int offset,
                                                @RequestParam(defaultValue = "100") int limit) {
        find(id);
        return Page.slice(runs.steps(id), offset, limit);
    }

    @GetMapping(value = "/runs/{id}/log", produces = "text/plain;charset=UTF-8")
    @Operation(summary = "A run's log: its orchestrator lines and its Spark applications' output, as plain text",
            description = "404 if the run has no log file (it ran in an orchestrator with another home, or its file was deleted after nightshift.logs.retention)")
    public ResponseEntity<FileSystemResource> log(@PathVariable long id) {
        find(id);
        return ResponseEntity.ok(new FileSystemResource(logs.existing(id).orElseThrow(() -> new ApiErrors.NotFoundException(
                "run " + id + " has no log file at " + logs.file(id) + (logs.retention().isZero() ? ""
                        : " (run log files not written to for " + RunLogFiles.describe(logs.retention())
                        + " are deleted, see nightshift.logs.retention)")))));
    }

    @PostMapping("/pipelines/{pipeline}/runs")
    @Operation(summary = "Start the nightly flow for one business date (operator); 202 with the run id, 409 if refused",
            description = "A failed date restarts at its failed step; a completed one needs rerun=true. Audited as run.start")
    public ResponseEntity<Accepted> start(@PathVariable String pipeline, @RequestBody RunBody body) {
        if (body == null || body.businessDate() == null) {
            throw new ApiErrors.BadFieldException("businessDate", "required, a date YYYY-MM-DD");
        }
        return accepted(runService.start(new RunRequest(pipeline, body.businessDate(), RunTrigger.API, Boolean.TRUE.equals(body.rerun()),
                Actors.currentRequest(), Boolean.TRUE.equals(body.retrain())), executor));
    }

    @PostMapping("/pipelines/{pipeline}/retrain")
    @Operation(summary = "Re-run a night (default: the latest completed) with a forced retrain (operator); 202 with the run id",
            description = "The candidate still goes through the promotion gate and policy")
    public ResponseEntity<Accepted> retrain(@PathVariable String pipeline, @RequestBody(required = false) RetrainBody body) {
        pipelines.current(pipeline);
        LocalDate date = body != null && body.businessDate() != null ? body.businessDate()
                : runs.latestCompletedDate(pipeline).orElseThrow(() -> new ApiErrors.ConflictException(
                        pipeline + " has no completed night yet; send a businessDate"));
        return accepted(runService.start(new RunRequest(pipeline, date, RunTrigger.API, true, Actors.currentRequest(), true), executor));
    }

    @PostMapping("/pipelines/{pipeline}/backfills")
    @Operation(summary = "Run a range of business dates oldest first (operator); 202 with the dates and a Location listing their runs",
            description = "Completed dates are skipped unless rerun=true; 409 if a date of the range has an active run")
    public ResponseEntity<BackfillAccepted> backfill(@PathVariable String pipeline, @RequestBody BackfillBody body) {
        if (body == null || body.from() == null) {
            throw new ApiErrors.BadFieldException("from", "required, a date YYYY-MM-DD");
        }
        if (body.to() == null) {
            throw new ApiErrors.BadFieldException("to", "required, a date YYYY-MM-DD");
        }
        if (body.to().isBefore(body.from())) {
            throw new ApiErrors.BadFieldException("to", body.to() + " is before from " + body.from());
        }
        int parallel = body.parallel() == null ? 1 : body.parallel();
        if (parallel < 1 || parallel > 8) {
            throw new ApiErrors.BadFieldException("parallel", "must be between 1 and 8, got " + parallel);
        }
        List<LocalDate> range = body.from().datesUntil(body.to().plusDays(1)).toList();
        if (range.size() > MAX_BACKFILL_DATES) {
            throw new ApiErrors.BadFieldException("to", "a backfill covers at most " + MAX_BACKFILL_DATES + " dates, this one "
                    + range.size() + "; split it");
        }
        pipelines.current(pipeline);
        boolean rerun = Boolean.TRUE.equals(body.rerun());
        List<LocalDate> skipped = new ArrayList<>();
        for (LocalDate date : range) {
            Optional<RunRecord> last = runs.latest(pipeline, date);
            if (last.isPresent() && "RUNNING".equals(last.get().status())) {
                throw new RunRefusedException("a run of " + pipeline + " for " + date + " is already active (run "
                        + last.get().id() + "); wait for it or backfill around it");
            }
            if (!rerun && last.isPresent() && last.get().completed()) {
                skipped.add(date);
            }
        }
        String actor = Actors.currentRequest();
        executor.execute(() -> backfill.run(pipeline, body.from(), body.to(), parallel, rerun, actor, outcome -> { }));
        URI location = UriComponentsBuilder.fromPath("/api/runs").queryParam("pipeline", pipeline)
                .queryParam("from", body.from()).queryParam("to", body.to()).build().toUri();
        return ResponseEntity.accepted().location(location).body(new BackfillAccepted(pipeline, body.from(), body.to(),
                range.stream().filter(d -> !skipped.contains(d)).toList(), skipped, parallel, location.toString()));
    }

    private RunRecord find(long id) {
        return runs.find(id).orElseThrow(() -> new ApiErrors.NotFoundException("no run " + id));
    }

    private static ResponseEntity<Accepted> accepted(RunRecord run) {
        URI location = URI.create("/api/runs/" + run.id());
        return ResponseEntity.accepted().location(location)
                .body(new Accepted(run.id(), run.pipeline(), run.businessDate(), run.status(), location.toString()));
    }
}
