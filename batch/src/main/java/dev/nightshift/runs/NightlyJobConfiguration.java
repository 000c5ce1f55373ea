package dev.nightshift.runs;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code nightly} job: one instance per (pipeline, business date, attempt). A failed execution restarted with
 * the same parameters skips its completed steps and resumes at the failed one.
 */
@Configuration(proxyBeanMethods = false)
public class NightlyJobConfiguration {
    public static final String JOB_NAME = "nightly";

    // Steps wait minutes on a Spark child JVM; they must not hold a database transaction open meanwhile.
    private final ResourcelessTransactionManager noTransaction = new ResourcelessTransactionManager();

    @Bean
    Job nightlyJob(JobRepository repository, Step championStep, Step scoreStep, Step evaluateStep, Step monitorStep,
                   RunStatusListener listener) {
        return new JobBuilder(JOB_NAME, repository)
                .listener(listener)
                .start(championStep)
                .next(scoreStep)
                .next(evaluateStep)
                .next(monitorStep)
                .build();
    }

    /** Evaluates labelled earlier nights against ground truth; a no-op (exit status NOOP) without monitoring.metrics. */
    @Bean
    Step evaluateStep(JobRepository repository, NightlyService nightly) {
        return new StepBuilder("evaluate", repository)
                .tasklet((contribution, chunk) -> {
                    RunContext run = RunContext.of(contribution.getStepExecution().getJobExecution().getJobParameters());
                    if (!nightly.evaluate(run)) {
                        contribution.setExitStatus(org.springframework.batch.core.ExitStatus.NOOP);
                    }
                    return RepeatStatus.FINISHED;
                }, noTransaction)
                .build();
    }

    /** Measures the night's feature and prediction drift; a no-op (exit status NOOP) without monitoring.drift. */
    @Bean
    Step monitorStep(JobRepository repository, NightlyService nightly) {
        return new StepBuilder("monitor", repository)
                .tasklet((contribution, chunk) -> {
                    RunContext run = RunContext.of(contribution.getStepExecution().getJobExecution().getJobParameters());
                    if (!nightly.monitorDrift(run)) {
                        contribution.setExitStatus(org.springframework.batch.core.ExitStatus.NOOP);
                    }
                    return RepeatStatus.FINISHED;
                }, noTransaction)
                .build();
    }

    @Bean
    Step championStep(JobRepository repository, NightlyService nightly) {
        return new StepBuilder("champion", repository)
                .tasklet((contribution, chunk) -> {
                    RunContext run = RunContext.of(contribution.getStepExecution().getJobExecution().getJobParameters());
                    nightly.ensureChampion(run);
                    return RepeatStatus.FINISHED;
                }, noTransaction)
                .build();
    }

    @Bean
    Step scoreStep(JobRepository repository, NightlyService nightly) {
        return new StepBuilder("score", repository)
                .tasklet((contribution, chunk) -> {
                    RunContext run = RunContext.of(contribution.getStepExecution().getJobExecution().getJobParameters());
                    contribution.incrementWriteCount(nightly.score(run));
                    return RepeatStatus.FINISHED;
                }, noTransaction)
                .build();
    }
}
