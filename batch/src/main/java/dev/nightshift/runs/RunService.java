package dev.nightshift.runs;

import dev.nightshift.audit.AuditLog;
import dev.nightshift.pipelines.AppliedSpec;
import dev.nightshift.pipelines.PipelineService;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.stereotype.Service;

/**
 * Starts nightly runs. Decides between a fresh instance, a restart of a failed one (resuming at its failed step)
 * and an explicit re-run of a completed date, and refuses a second active run of the same date.
 */
@Service
public class RunService {
    private static final Logger log = LoggerFactory.getLogger(RunService.class);

    private final PipelineService pipelines;
    private final RunRepository runs;
    private final JobOperator jobOperator;
    private final Job nightlyJob;
    private final AuditLog audit;
    private final StaleRunRecovery staleRuns;
    private final InstanceRegistry instance;
    private final RunLogFiles logFiles;

    public RunService(PipelineService pipelines, RunRepository runs, JobOperator jobOperator, Job nightlyJob, AuditLog audit,
                      StaleRunRecovery staleRuns, InstanceRegistry instance, RunLogFiles logFiles) {
        this.pipelines = pipelines;
        this.runs = runs;
        this.jobOperator = jobOperator;
        this.nightlyJob = nightlyJob;
        this.audit = audit;
        this.staleRuns = staleRuns;
        this.instance = instance;
        this.logFiles = logFiles;
    }

    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    /** Waits until no run started by this process is executing, at most {@code bound}; true if idle. */
    public boolean awaitIdle(java.time.Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        return inFlight.get() == 0;
    }

    /** Runs to completion (or failure) in the calling thread and returns the run's row. */
    public RunRecord run(RunRequest request) {
        inFlight.incrementAndGet();
        try {
            return launch(prepare(request));
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Checks and records the run in the calling thread (so a refusal or an unknown pipeline is thrown to the caller) and
     * executes it on {@code executor}; returns the RUNNING row at once. Callers poll the row for the outcome.
     */
    public RunRecord start(RunRequest request, java.util.concurrent.Executor executor) {
        inFlight.incrementAndGet();
        Prepared prepared;
        try {
            prepared = prepare(request);
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            throw e;
        }
        RunRecord running = runs.find(prepared.runId()).orElseThrow();
        try {
            executor.execute(() -> {
                try {
                    launch(prepared);
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            runs.finish(prepared.runId(), "FAILED", "could not start the nightly job: " + e.getMessage());
            throw new IllegalStateException("could not start the nightly job for " + request.pipeline() + " "
                    + request.businessDate() + ": " + e.getMessage(), e);
        }
        return running;
    }

    /** A run recorded as RUNNING whose job has not started yet. */
    private record Prepared(long runId, RunRequest request, JobParameters params) {
    }

    private Prepared prepare(RunRequest request) {
        AppliedSpec spec = pipelines.current(request.pipeline());
        staleRuns.recover(request.pipeline(), request.businessDate());
        Optional<RunRecord> last = runs.latest(request.pipeline(), request.businessDate());
        int attempt = 0;
        if (last.isPresent()) {
            RunRecord prev = last.get();
            switch (prev.status()) {
                case "RUNNING" -> throw new RunRefusedException("a run of " + request.pipeline() + " for " + request.businessDate()
                        + " is already active (run " + prev.id() + ", started " + prev.startedAt() + ")");
                case "COMPLETED" -> {
                    if (!request.rerun()) {
                        throw new RunRefusedException(request.pipeline() + " " + request.businessDate() + " already completed (run "
                                + prev.id() + "); re-run it explicitly with --rerun to replace its outputs");
                    }
                    attempt = prev.attempt() + 1;
                }
                default -> {
                    attempt = prev.attempt();
                    log.info("{} {}: restarting failed run {} at its failed step", request.pipeline(), request.businessDate(), prev.id());
                }
            }
        }
        long runId = runs.insertRunning(request, spec.version(), attempt, instance.id());
        if (request.trigger() != RunTrigger.SCHEDULE) {
            audit.record(request.actor(), "run.start", "pipeline:" + request.pipeline(),
                    null, Map.of("businessDate", request.businessDate().toString(), "runId", runId, "rerun", request.rerun(),
                            "retrain", request.retrain()));
        }
        JobParameters params = new JobParametersBuilder()
                .addString(RunContext.PIPELINE, request.pipeline())
                .addLocalDate(RunContext.BUSINESS_DATE, request.businessDate())
                .addLong(RunContext.ATTEMPT, (long) attempt)
                .addLong(RunContext.RUN_ID, runId, false)
                .addLong(RunContext.SPEC_VERSION, (long) spec.version(), false)
                .addString(RunContext.RETRAIN, Boolean.toString(request.retrain()), false)
                .toJobParameters();
        return new Prepared(runId, request, params);
    }

    private RunRecord launch(Prepared prepared) {
        RunRequest request = prepared.request();
        long runId = prepared.runId();
        try (var mdc = RunLogContext.open(request.pipeline(), runId, request.businessDate())) {
            logFiles.ensureAttached();
            pruneLogFiles();
            jobOperator.start(nightlyJob, prepared.params());
        } catch (Exception e) {
            // The job never ran (the listener did not see it): close the row so the date is not blocked.
            runs.finish(runId, "FAILED", "could not start the nightly job: " + e.getMessage());
            throw new IllegalStateException("could not start the nightly job for " + request.pipeline() + " "
                    + request.businessDate() + ": " + e.getMessage(), e);
        }
        return runs.find(runId).orElseThrow();
    }

    /** Housekeeping at the start of a run, reported in its log: old run log files go (nightshift.logs.retention). */
    private void pruneLogFiles() {
        RunLogFiles.Pruned pruned = logFiles.prune(java.time.Instant.now());
        pruned.summary(logFiles.retention()).ifPresent(log::info);
        pruned.failures().forEach((file, why) -> log.warn("could not remove the old run log file {}: {}", file, why));
    }
}
