package dev.nightshift.cli;

import dev.nightshift.decisions.DecisionService;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRepository;
import dev.nightshift.runs.RunRequest;
import dev.nightshift.runs.RunTrigger;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nightshift retrain PIPELINE [--date D]}: the manual override of the metric policy. Re-runs the night (default:
 * the latest completed one) with a forced retrain decision; the candidate then goes through the same gate and promotion
 * policy as a policy-triggered one.
 */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = "Retrain a pipeline's model now, whatever its metrics say; the candidate still has to pass the gate.")
public class RetrainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PIPELINE", description = "an applied pipeline")
    String pipeline;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD",
            description = "the business date to re-run and retrain as of (default: the latest completed date)")
    LocalDate date;

    @Override
    public Integer call() throws Exception {
        try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
            ctx.getBean(PipelineService.class).current(pipeline);
            LocalDate asOf = date != null ? date : ctx.getBean(RunRepository.class).list(pipeline, 0, 200).stream()
                    .filter(RunRecord::completed).map(RunRecord::businessDate).max(LocalDate::compareTo)
                    .orElseThrow(() -> new IllegalArgumentException(pipeline + " has no completed night yet; pass --date"));
            RunRecord run = RunCommand.runWithProgress(ctx, new RunRequest(pipeline, asOf, RunTrigger.CLI, true, null, true), new Output());
            if (!run.completed()) {
                System.err.printf("%s %s: %s (run %d): %s%n", pipeline, asOf, run.status(), run.id(), run.error());
                return CliExitCodes.FAILED;
            }
            DecisionService.Stored d = ctx.getBean(DecisionService.class).forRun(run.id()).orElseThrow();
            System.out.printf("%s %s: retrained (run %d): %s%n", pipeline, asOf, run.id(), DecisionsCommand.describe(ctx, d));
            return CliExitCodes.OK;
        }
    }
}
