package dev.nightshift.cli;

import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRepository;
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

    @picocli.CommandLine.Mixin
    Output output;

    @Override
    public Integer call() throws Exception {
        output.check();
        try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
            RunRecord run = runWithProgress(ctx, new RunRequest(pipeline, date, RunTrigger.CLI, rerun, null, retrain), output);
            RunRepository runs = ctx.getBean(RunRepository.class);
            if (output.json()) {
                output.printJson(new RunsCommand.RunJson(run, runs.rowsQuarantined(run.id()), runs.steps(run.id())));
            } else if (output.quiet()) {
                System.out.println(run.id());
            } else if (run.completed()) {
                System.out.printf("%s %s: COMPLETED (run %d) — %d rows scored with model v%s in %.1f s; details: nightshift runs show %d%n",
                        pipeline, date, run.id(), run.rowsScored(), run.modelVersion(), run.duration().toMillis() / 1000.0, run.id());
            }
            if (run.completed()) {
                return CliExitCodes.OK;
            }
            System.err.printf("%s %s: %s (run %d): %s%n", pipeline, date, run.status(), run.id(), run.error());
            System.err.printf("Fix the cause and run the same command again: it resumes at the failed step.%n");
            return CliExitCodes.FAILED;
        }
    }

    /**
     * Starts the run on a thread of its own and shows its progress on stderr (unless --json or --quiet) until it ends;
     * returns its final row. Refusals are thrown before anything starts.
     */
    static RunRecord runWithProgress(ConfigurableApplicationContext ctx, RunRequest request, Output output) throws Exception {
        RunRepository runs = ctx.getBean(RunRepository.class);
        java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "run"));
        RunProgress progress = output.human()
                ? new RunProgress(runs, request.pipeline(), request.businessDate(), request.businessDate(), System.err, RunProgress.isTerminal())
                : null;
        try {
            long id = ctx.getBean(RunService.class).start(request, worker).id();
            worker.shutdown();
            // the run's thread ends when its job has ended (completed or failed); Spark submissions have their own timeout
            worker.awaitTermination(Long.MAX_VALUE, java.util.concurrent.TimeUnit.NANOSECONDS);
            return runs.find(id).orElseThrow();
        } finally {
            worker.shutdownNow();
            if (progress != null) {
                progress.close();
            }
        }
    }
}
