package dev.nightshift.cli;

import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift models list|show|promote|rollback PIPELINE}. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Show registered model versions and move the champion.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.ShowModel.class, ModelsCommand.DiffModels.class,
                ModelsCommand.Promote.class, ModelsCommand.Rollback.class})
public class ModelsCommand {

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one model version's lineage: what produced it, on which data, and how it compared with its parent.")
    static class ShowModel implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        @Parameters(index = "1", paramLabel = "VERSION", arity = "0..1", description = "a version number (v3 or 3); default: the champion")
        String version;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                ctx.getBean(PipelineService.class).current(pipeline);
                ModelRegistry registry = ctx.getBean(ModelRegistry.class);
                ModelVersion m = version == null
                        ? registry.champion(pipeline).orElseThrow(() -> new IllegalArgumentException(pipeline + " has no champion"))
                        : find(registry, pipeline, version);
                TablePrinter t = new TablePrinter("field", "value");
                t.row("model", pipeline + " v" + m.version() + (m.aliases().isEmpty() ? "" : " (" + String.join(", ", m.aliases()) + ")"));
                t.row("algorithm", m.algorithm());
                t.row("source", m.source());
                t.row("spec version", m.specVersion());
                t.row("created by run", m.createdByRun());
                t.row("created at", m.createdAt().toLocalDateTime().withNano(0));
                t.row("parent", m.parentVersion() == null ? null : "v" + m.parentVersion());
                t.row("training window", m.trainingFrom() + ".." + m.trainingTo());
                t.row("training rows", m.trainingRows());
                t.row("training data", m.trainingFingerprint());
                t.row("holdout metrics", metrics(m.holdoutMetrics()));
                t.row("parent on same holdout", metrics(m.baselineMetrics()));
                t.row("artifact", m.artifactUri());
                t.row("manifest sha256", m.artifactSha256());
                t.print(System.out);
            }
            return CliExitCodes.OK;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Compare two model versions side by side: lineage, training data and holdout metrics.")
    static class DiffModels implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        @Parameters(index = "1", paramLabel = "FROM", description = "a version number (v3 or 3)")
        String from;

        @Parameters(index = "2", paramLabel = "TO", arity = "0..1", description = "a version number; default: the champion")
        String to;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                ctx.getBean(PipelineService.class).current(pipeline);
                ModelRegistry registry = ctx.getBean(ModelRegistry.class);
                ModelVersion a = find(registry, pipeline, from);
                ModelVersion b = to == null
                        ? registry.champion(pipeline).orElseThrow(() -> new IllegalArgumentException(pipeline + " has no champion"))
                        : find(registry, pipeline, to);
                TablePrinter t = new TablePrinter("field", "v" + a.version(), "v" + b.version(), "");
                row(t, "aliases", String.join(",", a.aliases()), String.join(",", b.aliases()));
                row(t, "algorithm", a.algorithm(), b.algorithm());
                row(t, "spec version", a.specVersion(), b.specVersion());
                row(t, "parent", a.parentVersion() == null ? null : "v" + a.parentVersion(), b.parentVersion() == null ? null : "v" + b.parentVersion());
                row(t, "created by run", a.createdByRun(), b.createdByRun());
                row(t, "training window", a.trainingFrom() + ".." + a.trainingTo(), b.trainingFrom() + ".." + b.trainingTo());
                row(t, "training rows", a.trainingRows(), b.trainingRows());
                row(t, "training data", a.trainingFingerprint(), b.trainingFingerprint());
                java.util.TreeSet<String> keys = new java.util.TreeSet<>(a.holdoutMetrics().keySet());
                keys.addAll(b.holdoutMetrics().keySet());
                for (String k : keys) {
                    row(t, "holdout " + k, a.holdoutMetrics().get(k), b.holdoutMetrics().get(k));
                }
                t.print(System.out);
                System.out.println("Holdout metrics of different versions are measured on their own holdouts; for a comparison on the"
                        + " same rows see `models show " + pipeline + " VERSION` (its parent on the same holdout).");
            }
            return CliExitCodes.OK;
        }

        private static void row(TablePrinter t, String field, Object a, Object b) {
            t.row(field, a, b, java.util.Objects.equals(a, b) ? "" : "differs");
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Make a model version the champion (the next night scores with it); recorded in the audit log.")
    static class Promote implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        @Parameters(index = "1", paramLabel = "VERSION", arity = "0..1", description = "a version number (v3 or 3); default: the challenger")
        String version;

        @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the audit log")
        String reason;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                ctx.getBean(PipelineService.class).current(pipeline);
                ModelRegistry registry = ctx.getBean(ModelRegistry.class);
                ModelVersion m = version == null
                        ? registry.challenger(pipeline).orElseThrow(() -> new IllegalArgumentException(
                                pipeline + " has no challenger; name the version to promote"))
                        : find(registry, pipeline, version);
                String before = registry.champion(pipeline).map(c -> "v" + c.version()).orElse("none");
                registry.promote(pipeline, m, actor(), reason == null ? "promoted by hand" : reason);
                System.out.printf("%s: champion is now v%d (was %s)%n", pipeline, m.version(), before);
            }
            return CliExitCodes.OK;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Restore the champion that the current champion replaced; recorded in the audit log.")
    static class Rollback implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the audit log")
        String reason;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                ctx.getBean(PipelineService.class).current(pipeline);
                ModelRegistry registry = ctx.getBean(ModelRegistry.class);
                String before = registry.champion(pipeline).map(c -> "v" + c.version()).orElse("none");
                ModelVersion restored = registry.rollback(pipeline, actor(), reason);
                System.out.printf("%s: champion rolled back from %s to v%d%n", pipeline, before, restored.version());
            }
            return CliExitCodes.OK;
        }
    }

    static ModelVersion find(ModelRegistry registry, String pipeline, String version) {
        String digits = version.startsWith("v") ? version.substring(1) : version;
        int v;
        try {
            v = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("VERSION '" + version + "' is not a model version; expected a number such as 3 or v3");
        }
        return registry.find(pipeline, v).orElseThrow(() -> new IllegalArgumentException(pipeline + " has no model v" + v
                + "; see nightshift models list " + pipeline));
    }

    /** {@code areaUnderROC=0.8123 logLoss=0.4410 ...}, rounded for reading. */
    static String metrics(java.util.Map<String, Double> metrics) {
        if (metrics == null) {
            return null;
        }
        return metrics.entrySet().stream().filter(e -> !"n".equals(e.getKey()))
                .map(e -> e.getKey() + "=" + String.format(java.util.Locale.ROOT, "%.4f", e.getValue()))
                .collect(java.util.stream.Collectors.joining(" "));
    }

    static String actor() {
        return System.getProperty("user.name", "unknown");
    }

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
                            m.trainingFrom() + ".." + m.trainingTo(), m.trainingRows(), metrics(m.holdoutMetrics()),
                            m.artifactSha256().substring(0, 12), m.createdAt().toLocalDateTime().withNano(0));
                }
                t.print(System.out);
            }
            return CliExitCodes.OK;
        }
    }
}
