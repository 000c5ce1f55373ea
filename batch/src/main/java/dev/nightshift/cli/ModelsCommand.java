package dev.nightshift.cli;

import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code nightshift models list PIPELINE}. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Show registered model versions.",
        subcommands = ModelsCommand.ListModels.class)
public class ModelsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a pipeline's model versions, newest first.")
    static class ListModels implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                ctx.getBean(PipelineService.class).current(pipeline);
                TablePrinter t = new TablePrinter("version", "aliases", "algorithm", "trained on", "rows", "holdout metrics", "sha256", "created");
                for (ModelVersion m : ctx.getBean(ModelRegistry.class).list(pipeline)) {
                    t.row("v" + m.version(), m.aliases().isEmpty() ? null : String.join(",", m.aliases()), m.algorithm(),
                            m.trainingFrom() + ".." + m.trainingTo(), m.trainingRows(), m.holdoutMetrics(),
                            m.artifactSha256().substring(0, 12), m.createdAt().toLocalDateTime().withNano(0));
                }
                t.print(System.out);
            }
            return CliExitCodes.OK;
        }
    }
}
