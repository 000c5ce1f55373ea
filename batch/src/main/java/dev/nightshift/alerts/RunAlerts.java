package dev.nightshift.alerts;

import dev.nightshift.runs.RunContext;
import dev.nightshift.runs.RunStatusListener;
import dev.nightshift.spark.SparkJobFailedException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Raises the alerts of a nightly run when it ends. Reads the outcome from the {@link JobExecution} itself, not from the
 * runs row, so it does not depend on {@link RunStatusListener} having run first. It is {@link Ordered}, which makes
 * Spring Batch call its {@code afterJob} after every unordered listener (they run in reverse), so an alerting
 * failure can never keep the runs row from being finished.
 */
@Component
public class RunAlerts implements JobExecutionListener, Ordered {
    private static final Logger log = LoggerFactory.getLogger(RunAlerts.class);

    private final RunConditions conditions;
    private final AlertService alerts;

    public RunAlerts(RunConditions conditions, AlertService alerts) {
        this.conditions = conditions;
        this.alerts = alerts;
    }

    @Override
    public void afterJob(JobExecution execution) {
        RunContext run = RunContext.of(execution.getJobParameters());
        try {
            raise(execution);
        } catch (RuntimeException e) {
            // The run has finished and its outputs are published; alerting cannot change that, and failing here
            // would only hide the run's own outcome. Logged as an error with the cause, not swallowed.
            log.error("alerts of run {} ({} {}) could not be raised: {}", run.runId(), run.pipeline(), run.businessDate(),
                    e.getMessage(), e);
        }
    }

    /** Raises the alerts of a finished execution of the nightly job; what happened to each condition, in order. */
    public List<AlertRepository.Recorded> raise(JobExecution execution) {
        return alerts.raise(conditions.of(finishedRun(execution)));
    }

    static RunConditions.FinishedRun finishedRun(JobExecution execution) {
        RunContext run = RunContext.of(execution.getJobParameters());
        boolean failed = execution.getStatus() != BatchStatus.COMPLETED;
        String failedStep = execution.getStepExecutions().stream()
                .filter(s -> s.getStatus() != BatchStatus.COMPLETED)
                .map(StepExecution::getStepName)
                .findFirst().orElse(null);
        return new RunConditions.FinishedRun(run.runId(), run.pipeline(), run.businessDate(), failed, failed ? failedStep : null,
                failed ? RunStatusListener.describe(execution.getAllFailureExceptions()) : null,
                failed && artifactRefused(execution.getAllFailureExceptions()));
    }

    /** Exception class a Spark job reports when a model artifact does not match its manifest (spark-jobs' registry). */
    static final String ARTIFACT_INTEGRITY_EXCEPTION = "dev.nightshift.registry.ArtifactIntegrityException";

    /** Whether a failure (or a cause of one) is a Spark job that refused a model artifact. */
    static boolean artifactRefused(List<Throwable> failures) {
        for (Throwable failure : failures) {
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof SparkJobFailedException s && s.errorClasses().contains(ARTIFACT_INTEGRITY_EXCEPTION)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
