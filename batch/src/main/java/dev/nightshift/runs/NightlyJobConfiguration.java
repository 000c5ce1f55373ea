package dev.nightshift.runs;

import dev.nightshift.decisions.Decision;
import dev.nightshift.decisions.DecisionService;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.job.parameters.JobParameters;
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

    /**
     * champion → score → decide, then, when the decision is to retrain, retrain → gate. The score step's Spark
     * application also evaluates labelled earlier nights and measures drift when the spec monitors them (see NightJob).
     * A step that completes leads to the next; any other exit status fails the job, and a restart resumes at the
     * failed step.
     */
    @Bean
    Job nightlyJob(JobRepository repository, Step championStep, Step scoreStep, Step decideStep, Step retrainStep, Step gateStep,
                   JobExecutionDecider retrainDecider, RunStatusListener listener, dev.nightshift.alerts.RunAlerts runAlerts,
                   dev.nightshift.reports.RunReportListener report) {
        return new JobBuilder(JOB_NAME, repository)
                // afterJob runs in reverse order: the runs row, then the alerts, then the report that shows both
                .listener(report)
                .listener(listener)
                .listener(runAlerts)
                .start(championStep)
                .next(scoreStep)
                .next(decideStep)
                .next(retrainDecider)
                .on(RETRAIN).to(retrainStep).next(gateStep)
                .from(retrainDecider).on("*").end()
                .end()
                .build();
    }

    static final String RETRAIN = "RETRAIN";

    /** Routes to retraining when the run's recorded decision says so (read back, so a restart takes the same path). */
    @Bean
    JobExecutionDecider retrainDecider(DecisionService decisions) {
        return (jobExecution, stepExecution) -> {
            RunContext run = RunContext.of(jobExecution.getJobParameters());
            Decision.Outcome outcome = decisions.forRun(run.runId()).map(DecisionService.Stored::outcome)
                    .orElseThrow(() -> new IllegalStateException("run " + run.runId() + " reached the retrain decision without a decision row"));
            return new FlowExecutionStatus(outcome == Decision.Outcome.RETRAIN ? RETRAIN : outcome.name());
        };
    }

    /** Judges the night's champion against the spec's metric policy and records the decision. */
    @Bean
    Step decideStep(JobRepository repository, NightlyService nightly, DecisionService decisions) {
        return new StepBuilder("decide", repository)
                .tasklet((contribution, chunk) -> {
                    JobParameters params = contribution.getStepExecution().getJobExecution().getJobParameters();
                    RunContext run = RunContext.of(params);
                    Decision d = decisions.decide(run, nightly.scoringModel(run), RunContext.retrainRequested(params));
                    contribution.getStepExecution().getExecutionContext().putString("outcome", d.outcome().key());
                    return RepeatStatus.FINISHED;
                }, noTransaction)
                .build();
    }

    /** Trains a candidate on the latest labelled window; the champion and the published predictions are untouched. */
    @Bean
    Step retrainStep(JobRepository repository, NightlyService nightly, DecisionService decisions) {
        return new StepBuilder("retrain", repository)
                .tasklet((contribution, chunk) -> {
                    RunContext run = RunContext.of(contribution.getStepExecution().getJobExecution().getJobParameters());
                    DecisionService.Stored d = decisions.forRun(run.runId()).orElseThrow();
                    var candidate = nightly.retrain(run, d.modelVersionId());
                    decisions.recordCandidate(run.runId(), candidate.id());
                    return RepeatStatus.FINISHED;
                }, noTransaction)
                .build();
    }

    /** Compares the candidate with the champion on the candidate's holdout and promotes, keeps as challenger, or rejects. */
    @Bean
    Step gateStep(JobRepository repository, DecisionService decisions) {
        return new StepBuilder("gate", repository)
                .tasklet((contribution, chunk) -> {
                    decisions.gate(RunContext.of(contribution.getStepExecution().getJobExecution().getJobParameters()));
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
