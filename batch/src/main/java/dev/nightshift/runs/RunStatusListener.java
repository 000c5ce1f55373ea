package dev.nightshift.runs;

import java.util.List;
import java.util.stream.Collectors;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.stereotype.Component;

/** Mirrors a nightly job execution into its runs row: which execution it is, how it ended and why. */
@Component
public class RunStatusListener implements JobExecutionListener {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunStatusListener.class);
    private final RunRepository runs;
    private final io.micrometer.core.instrument.MeterRegistry meters;
    private final dev.nightshift.ops.PipelineGauges gauges;

    public RunStatusListener(RunRepository runs, io.micrometer.core.instrument.MeterRegistry meters,
                             dev.nightshift.ops.PipelineGauges gauges) {
        this.runs = runs;
        this.meters = meters;
        this.gauges = gauges;
    }

    @Override
    public void beforeJob(JobExecution execution) {
        runs.attachJobExecution(runId(execution), execution.getId());
    }

    @Override
    public void afterJob(JobExecution execution) {
        boolean ok = execution.getStatus() == BatchStatus.COMPLETED;
        String error = ok ? null : describe(execution.getAllFailureExceptions());
        runs.finish(runId(execution), ok ? "COMPLETED" : "FAILED", error);
        String pipeline = execution.getJobParameters().getString(RunContext.PIPELINE);
        meters.counter("nightshift.runs", "pipeline", pipeline, "status", ok ? "completed" : "failed").increment();
        if (execution.getStartTime() != null && execution.getEndTime() != null) {
            meters.timer("nightshift.run.duration", "pipeline", pipeline, "status", ok ? "completed" : "failed")
                    .record(java.time.Duration.between(execution.getStartTime(), execution.getEndTime()));
        }
        for (var step : execution.getStepExecutions()) {
            if (step.getStartTime() != null && step.getEndTime() != null) {
                meters.timer("nightshift.step.duration", "pipeline", pipeline, "step", step.getStepName(),
                        "status", step.getStatus().name().toLowerCase(java.util.Locale.ROOT))
                        .record(java.time.Duration.between(step.getStartTime(), step.getEndTime()));
            }
        }
        gauges.refresh();
        if (!ok) {
            log.error("run {} ({} {}) FAILED: {}", runId(execution), execution.getJobParameters().getString(RunContext.PIPELINE),
                    execution.getJobParameters().getLocalDate(RunContext.BUSINESS_DATE), error);
        }
    }

    private static long runId(JobExecution execution) {
        return execution.getJobParameters().getLong(RunContext.RUN_ID);
    }

    /** The run's error as the runs row records it: the distinct messages of its failures. */
    public static String describe(List<Throwable> failures) {
        if (failures.isEmpty()) {
            return "the job ended without completing and reported no exception";
        }
        return failures.stream().map(t -> {
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
                root = root.getCause();
            }
            return root.getMessage() == null ? root.getClass().getName() : root.getMessage();
        }).distinct().collect(Collectors.joining("; "));
    }
}
