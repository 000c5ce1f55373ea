package dev.nightshift.cli;

import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRepository;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nightshift runs list}. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Show run history.",
        subcommands = RunsCommand.ListRuns.class)
public class RunsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List recent runs, newest first.")
    static class ListRuns implements Callable<Integer> {
        @Option(names = "--pipeline", paramLabel = "PIPELINE", description = "only this pipeline")
        String pipeline;

        @Option(names = "--limit", defaultValue = "30", description = "at most this many runs (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                TablePrinter t = new TablePrinter("run", "pipeline", "date", "status", "model", "rows", "trigger", "started", "seconds", "error");
                for (RunRecord r : ctx.getBean(RunRepository.class).list(pipeline, limit)) {
                    t.row(r.id(), r.pipeline(), r.businessDate(), r.status(), r.modelVersion() == null ? null : "v" + r.modelVersion(),
                            r.rowsScored(), r.trigger(), r.startedAt().toLocalDateTime().withNano(0),
                            r.duration() == null ? null : String.format("%.1f", r.duration().toMillis() / 1000.0),
                            r.error() == null ? null : abbreviate(r.error(), 100));
                }
                t.print(System.out);
            }
            return CliExitCodes.OK;
        }

        private static String abbreviate(String s, int max) {
            String one = s.replace('\n', ' ');
            return one.length() <= max ? one : one.substring(0, max - 3) + "...";
        }
    }
}
