package dev.nightshift.cli;

import dev.nightshift.backfill.BackfillService;
import dev.nightshift.backfill.BackfillService.DateOutcome;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift backfill PIPELINE --from D1 --to D2 [--parallel N] [--rerun]}. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Run a range of business dates, oldest first. Completed dates are skipped (unless --rerun),",
                "failed ones restart at their failed step: an interrupted backfill resumes by running it again."})
public class BackfillCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PIPELINE")
    String pipeline;

    @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "first business date")
    LocalDate from;

    @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD", description = "last business date (inclusive)")
    LocalDate to;

    @Option(names = "--parallel", defaultValue = "1", description = "dates run at once (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--rerun", description = "re-run completed dates too, replacing their outputs")
    boolean rerun;

    @picocli.CommandLine.Mixin
    Output output;

    @Override
    public Integer call() throws Exception {
        output.check();
        try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
            int total = (int) (to.toEpochDay() - from.toEpochDay() + 1);
            AtomicInteger done = new AtomicInteger();
            long t0 = System.nanoTime();
            List<DateOutcome> outcomes;
            ctx.getBean(dev.nightshift.pipelines.PipelineService.class).current(pipeline);
            try (RunProgress progress = output.human() ? new RunProgress(ctx.getBean(dev.nightshift.runs.RunRepository.class), pipeline, from,
                    to, System.err, RunProgress.isTerminal()) : null) {
                outcomes = ctx.getBean(BackfillService.class).run(pipeline, from, to, parallel, rerun,
                        dev.nightshift.security.Actors.cli(), o -> {
                            int n = done.incrementAndGet();
                            if (output.human()) {
                                System.out.printf("[%d/%d] %s %s %s %s (%.0f s)%n", n, total, pipeline, o.date(), o.outcome(),
                                        o.run() != null && o.run().completed() && o.message() == null
                                                ? o.run().rowsScored() + " rows, model v" + o.run().modelVersion()
                                                : o.message() == null ? "" : o.message(), (System.nanoTime() - t0) / 1e9);
                            }
                        });
            }
            long failed = outcomes.stream().filter(o -> o.outcome().equals("FAILED") || o.outcome().equals("REFUSED")).count();
            long skipped = outcomes.stream().filter(o -> o.outcome().equals("SKIPPED")).count();
            if (output.json()) {
                output.printJson(outcomes);
            } else if (output.quiet()) {
                outcomes.stream().filter(o -> o.run() != null).forEach(o -> System.out.println(o.run().id()));
            } else {
                System.out.printf("backfill %s %s..%s: %d completed, %d skipped, %d failed in %.0f s%n", pipeline, from, to,
                        outcomes.size() - failed - skipped, skipped, failed, (System.nanoTime() - t0) / 1e9);
            }
            return failed == 0 ? CliExitCodes.OK : CliExitCodes.FAILED;
        }
    }
}
