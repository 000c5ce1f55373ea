package dev.nightshift.cli;

import dev.nightshift.pipelines.AppliedSpec;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.pipelines.PipelineSummary;
import dev.nightshift.pipelines.SpecDiff;
import dev.nightshift.pipelines.SpecException;
import dev.nightshift.pipelines.SpecParser;
import dev.nightshift.contract.PipelineSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code nightshift pipelines apply|list}. */
@Command(name = "pipelines", mixinStandardHelpOptions = true, description = "Apply and list pipeline specs.",
        subcommands = {PipelinesCommand.Apply.class, PipelinesCommand.ListPipelines.class, PipelinesCommand.Validate.class,
                PipelinesCommand.Diff.class})
public class PipelinesCommand {

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check spec files without applying them (no database needed): for CI on a repository of specs.")
    static class Validate implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE", description = "pipeline spec YAML files")
        List<Path> files;

        @Override
        public Integer call() {
            SpecParser parser = new SpecParser();
            int invalid = 0;
            for (Path file : files) {
                try {
                    PipelineSpec spec = parser.parse(file.toString(), read(file));
                    System.out.printf("%s: valid (pipeline %s, %s, %d features%s)%n", file, spec.name(), spec.task().specName(),
                            spec.features().size(), spec.schedule() == null ? ", manual runs only" : ", cron " + spec.schedule().cron());
                } catch (SpecException e) {
                    System.err.println(e.getMessage());
                    invalid++;
                }
            }
            return invalid == 0 ? CliExitCodes.OK : CliExitCodes.INVALID_INPUT;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Show what applying FILE would change in the pipeline's current spec, field by field.")
    static class Diff implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            PipelineSpec proposed = new SpecParser().parse(file.toString(), read(file));
            if (!proposed.name().equals(pipeline)) {
                throw new SpecException(file.toString(), List.of("field 'name': '" + proposed.name() + "', but the diff is against pipeline '"
                        + pipeline + "'"));
            }
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                AppliedSpec current = ctx.getBean(PipelineService.class).current(pipeline);
                List<String> changes = SpecDiff.diff(current.spec(), proposed);
                if (changes.isEmpty()) {
                    System.out.printf("%s: %s matches spec version %d; applying it changes nothing%n", pipeline, file, current.version());
                } else {
                    System.out.printf("%s: spec version %d -> %s (%d change%s)%n", pipeline, current.version(), file, changes.size(),
                            changes.size() == 1 ? "" : "s");
                    changes.forEach(c -> System.out.println("  " + c));
                }
            }
            return CliExitCodes.OK;
        }
    }

    static String read(Path file) {
        try {
            return java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new SpecException(file.toString(), List.of("file not found"));
        } catch (java.io.IOException e) {
            throw new SpecException(file.toString(), List.of("cannot read: " + e.getMessage()));
        }
    }

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
                    AppliedSpec applied = pipelines.apply(file, dev.nightshift.security.Actors.cli());
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
        @picocli.CommandLine.Mixin
        Output output;

        @Override
        public Integer call() {
            output.check();
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                List<PipelineSummary> all = ctx.getBean(PipelineService.class).list();
                if (output.json()) {
                    output.printJson(all);
                    return CliExitCodes.OK;
                }
                if (output.quiet()) {
                    all.forEach(p -> System.out.println(p.name()));
                    return CliExitCodes.OK;
                }
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
