package dev.nightshift.cli;

import dev.nightshift.pipelines.AppliedSpec;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.pipelines.PipelineSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code nightshift pipelines apply|list}. */
@Command(name = "pipelines", mixinStandardHelpOptions = true, description = "Apply and list pipeline specs.",
        subcommands = {PipelinesCommand.Apply.class, PipelinesCommand.ListPipelines.class})
public class PipelinesCommand {

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Validate spec files and store them as new versions (an unchanged spec keeps its version).")
    static class Apply implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE", description = "pipeline spec YAML files")
        List<Path> files;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                PipelineService pipelines = ctx.getBean(PipelineService.class);
                for (Path file : files) {
                    AppliedSpec applied = pipelines.apply(file, System.getProperty("user.name", "cli"));
                    System.out.println(applied.pipeline() + ": " + (applied.changed()
                            ? "applied as spec version " + applied.version()
                            : "unchanged (spec version " + applied.version() + ")") + "  [" + file + "]");
                }
            }
            return CliExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List applied pipelines with their champion and last run.")
    static class ListPipelines implements Callable<Integer> {
        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                List<PipelineSummary> all = ctx.getBean(PipelineService.class).list();
                TablePrinter t = new TablePrinter("pipeline", "spec", "task", "algorithm", "schedule", "champion", "last run", "status");
                for (PipelineSummary p : all) {
                    t.row(p.name(), "v" + p.specVersion(), p.task(), p.algorithm(),
                            p.cron() == null ? "manual" : p.cron() + " " + p.timezone() + (p.paused() ? " (paused)" : ""),
                            p.championVersion() == null ? null : "v" + p.championVersion(), p.lastRunDate(), p.lastRunStatus());
                }
                t.print(System.out);
            }
            return CliExitCodes.OK;
        }
    }
}
