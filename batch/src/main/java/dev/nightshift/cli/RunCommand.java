package dev.nightshift.cli;

import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRequest;
import dev.nightshift.runs.RunService;
import dev.nightshift.runs.RunTrigger;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift run PIPELINE --date D [--rerun]}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the nightly flow of a pipeline for one business date and wait for it.",
                "A failed run of the same date is restarted at its failed step; a completed one is re-run only with --rerun."})
public class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PIPELINE", description = "an applied pipeline")
    String pipeline;

    @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "the business date to process")
    LocalDate date;

    @Option(names = "--rerun", description = "re-run a completed date, replacing its outputs")
    boolean rerun;

    @Option(names = "--retrain", description = "train a candidate after scoring whatever the metric policy decides (see also: nightshift retrain)")
    boolean retrain;

    @Override
    public Integer call() {
        try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
            RunRecord run = ctx.getBean(RunService.class).run(new RunRequest(pipeline, date, RunTrigger.CLI, rerun, null, retrain));
            if (run.completed()) {
                System.out.printf("%s %s: COMPLETED (run %d) — %d rows scored with model v%s in %.1f s%n", pipeline, date, run.id(),
                        run.rowsScored(), run.modelVersion(), run.duration().toMillis() / 1000.0);
                return CliExitCodes.OK;
            }
            System.err.printf("%s %s: %s (run %d): %s%n", pipeline, date, run.status(), run.id(), run.error());
            System.err.printf("Fix the cause and run the same command again: it resumes at the failed step.%n");
            return CliExitCodes.FAILED;
        }
    }
}
