package dev.nightshift.cli;

import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift models list|show|diff|constraints|promote|rollback|import PIPELINE}. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Show registered model versions and move the champion.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.ShowModel.class, ModelsCommand.DiffModels.class,
                ModelsCommand.Constraints.class,
                ModelsCommand.Promote.class, ModelsCommand.Rollback.class, ModelsCommand.Import.class})
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
                ModelVersion m = findOrChampion(registry, pipeline, version);
                TablePrinter t = new TablePrinter("field", "value");
                t.row("model", pipeline + " v" + m.version() + (m.aliases().isEmpty() ? "" : " (" + String.join(", ", m.aliases()) + ")"));
                t.row("algorithm", m.algorithm());
                t.row("source", m.sourceUri() == null ? m.source() : m.source() + " from " + m.sourceUri());
                t.row("spec version", m.specVersion());
                t.row("created by run", m.createdByRun());
                t.row("created at", m.createdAt().toLocalDateTime().withNano(0));
                t.row("parent", m.parentVersion() == null ? null : "v" + m.parentVersion());
                t.row("training window", m.trainingFrom() + ".." + m.trainingTo());
                t.row("training rows", m.trainingRows());
                t.row("training data", m.trainingFingerprint());
                t.row("params", params(m.params()));
                t.row("tuning", tuning(m.tuning()));
                t.row("holdout metrics", metrics(m.holdoutMetrics()));
                t.row("parent on same holdout", metrics(m.baselineMetrics()));
                if (m.holdoutSegments() != null) {
                    m.holdoutSegments().forEach((segment, values) -> values.forEach((value, ours) -> {
                        java.util.Map<String, Double> parents = m.baselineSegments() == null ? null
                                : m.baselineSegments().getOrDefault(segment, java.util.Map.of()).get(value);
                        t.row("holdout " + segment + "=" + value, "n=" + Math.round(ours.getOrDefault("n", 0.0)) + " " + metrics(ours)
                                + (parents == null ? "" : " | parent " + metrics(parents)));
                    }));
                }
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
                ModelVersion b = findOrChampion(registry, pipeline, to);
                TablePrinter t = new TablePrinter("field", "v" + a.version(), "v" + b.version(), "");
                row(t, "aliases", String.join(",", a.aliases()), String.join(",", b.aliases()));
                row(t, "algorithm", a.algorithm(), b.algorithm());
                row(t, "spec version", a.specVersion(), b.specVersion());
                row(t, "parent", a.parentVersion() == null ? null : "v" + a.parentVersion(), b.parentVersion() == null ? null : "v" + b.parentVersion());
                row(t, "created by run", a.createdByRun(), b.createdByRun());
                row(t, "training window", a.trainingFrom() + ".." + a.trainingTo(), b.trainingFrom() + ".." + b.trainingTo());
                row(t, "training rows", a.trainingRows(), b.trainingRows());
                row(t, "training data", a.trainingFingerprint(), b.trainingFingerprint());
                row(t, "params", params(a.params()), params(b.params()));
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

    @Command(name = "constraints", mixinStandardHelpOptions = true,
            description = "The data contract a model version suggests from its training data (profile.json), next to the spec's"
                    + " bounds: review it and put the bounds you want into the spec's features.")
    static class Constraints implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        @Parameters(index = "1", paramLabel = "VERSION", arity = "0..1", description = "a version number (v3 or 3); default: the champion")
        String version;

        @Override
        public Integer call() throws java.io.IOException {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                dev.nightshift.contract.PipelineSpec spec = ctx.getBean(PipelineService.class).current(pipeline).spec();
                ModelRegistry registry = ctx.getBean(ModelRegistry.class);
                ModelVersion m = findOrChampion(registry, pipeline, version);
                java.net.URI dir = java.net.URI.create(m.artifactUri());
                if (!"file".equals(dir.getScheme())) {
                    throw new IllegalArgumentException("model v" + m.version() + " is at " + m.artifactUri()
                            + "; this command reads profiles from file: warehouses only");
                }
                java.nio.file.Path file = java.nio.file.Path.of(dir).resolve("profile.json");
                if (!java.nio.file.Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("model v" + m.version() + " has no training profile (" + file + ")");
                }
                com.fasterxml.jackson.databind.JsonNode profile = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
                TablePrinter t = new TablePrinter("feature", "type", "training rows", "nulls", "min", "p1", "p99", "max", "spec min",
                        "spec max", "categories seen in training");
                List<String> yaml = new java.util.ArrayList<>();
                for (com.fasterxml.jackson.databind.JsonNode n : profile.path("numeric")) {
                    String name = n.path("name").asText();
                    dev.nightshift.contract.PipelineSpec.Feature f = spec.feature(name);
                    com.fasterxml.jackson.databind.JsonNode q = n.path("quantiles");
                    t.row(name, "numeric", n.path("count").asLong(), n.path("nullCount").asLong(), num(n.path("min")),
                            q.size() > 99 ? num(q.get(1)) : null, q.size() > 99 ? num(q.get(99)) : null, num(n.path("max")),
                            f == null ? null : f.min(), f == null ? null : f.max(), null);
                    yaml.add("  - { name: " + name + ", type: numeric, min: " + num(n.path("min")) + ", max: " + num(n.path("max")) + " }");
                }
                for (com.fasterxml.jackson.databind.JsonNode n : profile.path("categorical")) {
                    List<String> categories = new java.util.ArrayList<>();
                    n.path("categories").fieldNames().forEachRemaining(categories::add);
                    java.util.Collections.sort(categories);
                    t.row(n.path("name").asText(), "categorical", n.path("count").asLong(), n.path("nullCount").asLong(), null, null, null,
                            null, null, null, String.join(", ", categories));
                }
                t.print(System.out);
                System.out.println();
                System.out.println("Validation quarantines values outside the spec's min/max and categories not seen in training."
                        + " Bounds observed in v" + m.version() + "'s training rows (" + m.trainingFrom() + ".." + m.trainingTo()
                        + "), as spec features to review:");
                yaml.forEach(System.out::println);
            }
            return CliExitCodes.OK;
        }

        private static String num(com.fasterxml.jackson.databind.JsonNode v) {
            return v == null || v.isMissingNode() || v.isNull() || !Double.isFinite(v.asDouble()) ? null
                    : new java.math.BigDecimal(v.asDouble()).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
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

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Register a Spark MLlib model trained elsewhere (a saved PipelineModel directory, or an MLflow model directory"
                    + " with the spark flavor): its input columns are checked against the spec, it is measured beside the champion on"
                    + " the spec's holdout, and if the promotion gate passes it becomes the challenger. Never champion: promote it"
                    + " explicitly.")
    static class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        @Parameters(index = "1", paramLabel = "PATH", description = "the model directory: a local path or a URI (file:, hdfs:, s3a:)")
        String path;

        @Option(names = "--as-of", paramLabel = "DATE", description = "measure on the spec's labelled window as of DATE (default: today)")
        java.time.LocalDate asOf;

        @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the audit log")
        String reason;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                ctx.getBean(PipelineService.class).current(pipeline);
                dev.nightshift.decisions.ModelImportService.Imported r = ctx.getBean(dev.nightshift.decisions.ModelImportService.class)
                        .importModel(pipeline, path, asOf == null ? java.time.LocalDate.now(java.time.ZoneOffset.UTC) : asOf, actor(), reason);
                ModelVersion m = r.version();
                System.out.printf("%s: imported %s as v%d (%s)%n", pipeline, path, m.version(), m.algorithm());
                System.out.printf("  on the holdout after %s: %s%n", m.trainingTo(), metrics(m.holdoutMetrics()));
                System.out.printf("  gate: %s%n", r.explanation());
                System.out.printf("  action: %s%s%n", r.action(), "challenger".equals(r.action())
                        ? " (scored in shadow from the next night; promote with `nightshift models promote " + pipeline + " v" + m.version() + "`)"
                        : " (registered without an alias)");
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

    /** The named version, or the champion when {@code version} is null. */
    static ModelVersion findOrChampion(ModelRegistry registry, String pipeline, String version) {
        return version == null
                ? registry.champion(pipeline).orElseThrow(() -> new IllegalArgumentException(pipeline + " has no champion"))
                : find(registry, pipeline, version);
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

    static String params(java.util.Map<String, Object> params) {
        if (params == null || params.isEmpty()) {
            return params == null ? null : "(algorithm defaults)";
        }
        return new java.util.TreeMap<>(params).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(" "));
    }

    /** One line about a hyperparameter search: how, on what, what won, and how many were tried. */
    @SuppressWarnings("unchecked")
    static String tuning(java.util.Map<String, Object> tuning) {
        if (tuning == null) {
            return "none (params fixed in the spec)";
        }
        Object how = tuning.containsKey("folds") ? tuning.get("folds") + "-fold" : "trainRatio " + tuning.get("trainRatio");
        java.util.List<Object> tried = (java.util.List<Object>) tuning.getOrDefault("candidates", java.util.List.of());
        return tuning.get("method") + " (" + how + ") on " + tuning.get("metric") + ": best "
                + params((java.util.Map<String, Object>) tuning.get("best")) + " at "
                + String.format(java.util.Locale.ROOT, "%.4f", ((Number) tuning.get("bestMetric")).doubleValue())
                + " of " + tried.size() + " tried";
    }

    static String actor() {
        return dev.nightshift.security.Actors.cli();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a pipeline's model versions, newest first.")
    static class ListModels implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        @picocli.CommandLine.Mixin
        Output output;

        @Override
        public Integer call() {
            output.check();
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                ctx.getBean(PipelineService.class).current(pipeline);
                List<ModelVersion> versions = ctx.getBean(ModelRegistry.class).list(pipeline);
                if (output.json()) {
                    output.printJson(versions);
                    return CliExitCodes.OK;
                }
                if (output.quiet()) {
                    versions.forEach(m -> System.out.println("v" + m.version()));
                    return CliExitCodes.OK;
                }
                TablePrinter t = new TablePrinter("version", "aliases", "algorithm", "trained on", "rows", "holdout metrics", "sha256", "created");
                for (ModelVersion m : versions) {
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
