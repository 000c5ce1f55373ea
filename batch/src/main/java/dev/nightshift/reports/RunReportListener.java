package dev.nightshift.reports;

import dev.nightshift.runs.RunContext;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.stereotype.Component;

/**
 * Writes the run report when a nightly execution ends, completed or failed. Registered first on the job so that, as
 * Spring Batch calls {@code afterJob} in reverse order, it runs after the runs row and the alerts are final.
 */
@Component
public class RunReportListener implements JobExecutionListener {
    private final RunReportService reports;

    public RunReportListener(RunReportService reports) {
        this.reports = reports;
    }

    @Override
    public void afterJob(JobExecution execution) {
        reports.write(RunContext.of(execution.getJobParameters()).runId());
    }
}
