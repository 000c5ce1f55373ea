package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.decisions.DecisionService;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift decisions PIPELINE}: what each night decided about the champion, and why. */
@Command(name = "decisions", mixinStandardHelpOptions = true,
        description = "List a pipeline's nightly decisions (keep, retrain, ...) with their reasons and what happened to each candidate.")
public class DecisionsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "PIPELINE")
    String pipeline;

    @Option(names = "--limit", defaultValue = "30", description = "at most this many decisions (default ${DEFAULT-VALUE})")
    int limit;

    @picocli.CommandLine.Mixin
    Output output;

    @Override
    public Integer call() throws Exception {
        output.check();
        try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
            ctx.getBean(PipelineService.class).current(pipeline);
            if (output.json()) {
                output.printJson(ctx.getBean(dev.nightshift.monitoring.MonitoringReads.class).decisions(pipeline, null, null, 0, limit));
                return CliExitCodes.OK;
            }
            if (output.quiet()) {
                ctx.getBean(DecisionService.class).list(pipeline, limit).forEach(d -> System.out.println(d.runId()));
                return CliExitCodes.OK;
            }
            TablePrinter t = new TablePrinter("date", "run", "champion", "decision", "trigger", "reasons", "candidate", "action", "gate");
            ModelRegistry registry = ctx.getBean(ModelRegistry.class);
            for (DecisionService.Stored d : ctx.getBean(DecisionService.class).list(pipeline, limit)) {
                JsonNode reasons = JSON.readTree(d.reasons());
                StringBuilder why = new StringBuilder(reasons.path("summary").asText());
                for (JsonNode m : reasons.path("metrics")) {
                    why.append(" | ").append(m.path("explanation").asText());
                }
                t.row(d.businessDate(), d.runId(), version(registry, d.modelVersionId()), d.outcome().key(), d.trigger(), why.toString(),
                        version(registry, d.candidateModelVersionId()), d.action(),
                        d.gate() == null ? null : JSON.readTree(d.gate()).path("explanation").asText());
            }
            t.print(System.out);
        }
        return CliExitCodes.OK;
    }

    static String version(ModelRegistry registry, Long id) {
        return id == null ? null : registry.findById(id).map(m -> "v" + m.version()).orElse("id " + id);
    }

    /** One line: outcome, candidate and what the gate did. */
    static String describe(ConfigurableApplicationContext ctx, DecisionService.Stored d) throws RuntimeException {
        ModelRegistry registry = ctx.getBean(ModelRegistry.class);
        String candidate = version(registry, d.candidateModelVersionId());
        String gate;
        try {
            gate = d.gate() == null ? "" : ": " + JSON.readTree(d.gate()).path("explanation").asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("decisions.gate of run " + d.runId() + " is not JSON", e);
        }
        String champion = registry.champion(d.pipeline()).map(ModelVersion::version).map(v -> "v" + v).orElse("none");
        return "decision " + d.outcome().key() + (candidate == null ? "" : ", candidate " + candidate + " " + d.action() + gate)
                + "; champion is " + champion;
    }
}
