package dev.nightshift.cli;

import dev.nightshift.config.NightshiftHome;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRepository;
import dev.nightshift.runs.RunSummaries;
import dev.nightshift.runs.RunSummaries.RunSummary;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift runs list|show}. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Show run history and what one run did.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class})
public class RunsCommand {

    /** A run as {@code run --json} prints it. */
    record RunJson(RunRecord run, Long rowsQuarantined, List<RunRepository.StepRecord> steps) {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List recent runs, newest first.")
    static class ListRuns implements Callable<Integer> {
        @Option(names = "--pipeline", paramLabel = "PIPELINE", description = "only this pipeline")
        String pipeline;

        @Option(names = "--limit", defaultValue = "30", description = "at most this many runs (default ${DEFAULT-VALUE})")
        int limit;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            output.check();
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                if (pipeline != null) {
                    ctx.getBean(dev.nightshift.pipelines.PipelineService.class).current(pipeline);
                }
                List<RunRecord> runs = ctx.getBean(RunRepository.class).list(pipeline, limit);
                if (output.json()) {
                    output.printJson(runs);
                } else if (output.quiet()) {
                    runs.forEach(r -> System.out.println(r.id()));
                } else {
                    TablePrinter t = new TablePrinter("run", "pipeline", "date", "status", "model", "rows", "trigger", "started", "seconds", "error");
                    for (RunRecord r : runs) {
                        t.row(r.id(), r.pipeline(), r.businessDate(), r.status(), r.modelVersion() == null ? null : "v" + r.modelVersion(),
                                r.rowsScored(), r.trigger(), r.startedAt().toLocalDateTime().withNano(0),
                                r.duration() == null ? null : String.format("%.1f", r.duration().toMillis() / 1000.0),
                                r.error() == null ? null : abbreviate(r.error(), 100));
                    }
                    t.print(System.out);
                }
            }
            return CliExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "What one run did: steps with durations, rows scored and quarantined (top reasons), metrics, drift, decision, alerts, outputs.")
    static class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN", description = "the run id (see runs list)")
        long id;

        @Option(names = "--json", description = "print JSON on stdout (for scripts)")
        boolean json;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                String warehouse = NightshiftHome.warehouseUri(ctx.getBean(NightshiftProperties.class));
                RunSummary s = ctx.getBean(RunSummaries.class).find(id, warehouse)
                        .orElseThrow(() -> new IllegalArgumentException("no run " + id + "; see nightshift runs list"));
                if (json) {
                    Output.printJson(System.out, s);
                } else {
                    print(s, System.out);
                }
            }
            return CliExitCodes.OK;
        }
    }

    /** The readable summary of {@code runs show}. */
    public static void print(RunSummary s, PrintStream out) {
        RunRecord r = s.run();
        out.printf("Run %d: %s %s — %s%s%n", r.id(), r.pipeline(), r.businessDate(), r.status(),
                r.duration() == null ? " (running)" : String.format(" in %.1f s", r.duration().toMillis() / 1000.0));
        out.printf("  trigger %s, attempt %d, spec v%d, model %s, started %s%n", r.trigger(), r.attempt(), r.specVersion(),
                r.modelVersion() == null ? "-" : "v" + r.modelVersion(), r.startedAt().toLocalDateTime().withNano(0));
        if (r.error() != null) {
            out.println("  error: " + r.error());
        }
        out.println();
        out.println("Steps:");
        TablePrinter steps = new TablePrinter("step", "status", "seconds", "exit");
        for (RunRepository.StepRecord st : s.steps()) {
            steps.row(st.step(), st.status(), st.startedAt() == null || st.endedAt() == null ? null
                            : String.format("%.1f", Duration.between(st.startedAt(), st.endedAt()).toMillis() / 1000.0),
                    st.exitMessage() == null || st.exitMessage().isBlank() ? null : abbreviate(st.exitMessage(), 80));
        }
        steps.print(out);
        out.println();
        out.printf("Rows: %s scored, %s quarantined%n", r.rowsScored() == null ? "-" : r.rowsScored(),
                s.rowsQuarantined() == null ? "-" : s.rowsQuarantined());
        if (!s.quality().isEmpty()) {
            out.println("  quarantine and quality checks (most failing rows first):");
            s.quality().stream().limit(5).forEach(q -> out.printf("    %s%s: %s%s%s%n", q.check(), q.column() == null ? "" : " on " + q.column(),
                    q.failingRows() == null ? "" : q.failingRows() + " rows", q.passed() ? "" : " — FAILED"
                            + (q.threshold() == null ? "" : " (value " + q.value() + ", threshold " + q.threshold() + ")"),
                    q.detail() == null ? "" : " — " + abbreviate(q.detail(), 80)));
        }
        out.println();
        if (s.metrics().isEmpty()) {
            out.println("Metrics: none evaluated by this run (no labelled nights yet, or no monitoring.metrics)");
        } else {
            out.println("Metrics evaluated by this run:");
            TablePrinter m = new TablePrinter("night", "model", "metric", "value", "95% interval", "n");
            for (RunSummaries.EvaluatedMetric e : s.metrics()) {
                m.row(e.businessDate(), "v" + e.modelVersion(), e.metric(), String.format("%.4f", e.value()),
                        e.ciLow() == null ? null : String.format("%.4f–%.4f", e.ciLow(), e.ciHigh()), e.n());
            }
            m.print(out);
        }
        out.println();
        if (s.driftShare() == null) {
            out.println("Drift: not measured");
        } else {
            out.printf("Drift: %.0f%% of features drifted%s%n", s.driftShare() * 100, s.drifted().isEmpty() ? "" : ": "
                    + String.join(", ", s.drifted().stream().map(d -> d.pValue() != null
                    // tests (ks, chi_square) are judged by their p-value, distances (psi, wasserstein, ...) by the statistic
                    ? String.format("%s (%s p %.2g < %.3f)", d.feature(), d.method(), d.pValue(), d.threshold())
                    : String.format("%s (%s %.3f > %.3f)", d.feature(), d.method(), d.statistic(), d.threshold())).toList()));
        }
        if (s.decision() == null) {
            out.println("Decision: none");
        } else {
            var d = s.decision();
            out.printf("Decision: %s (trigger %s) — %s%n", d.outcome(), d.trigger(), d.reasons());
            if (d.candidateVersion() != null) {
                out.printf("  candidate v%d: %s%s%n", d.candidateVersion(), d.action() == null ? "not judged yet" : d.action(),
                        d.gate() == null ? "" : " — " + d.gate());
            }
        }
        if (s.alerts().isEmpty()) {
            out.println("Alerts: none");
        } else {
            out.println("Alerts:");
            s.alerts().forEach(a -> out.printf("  #%d %s %s: %s (%s)%n", a.id(), a.severity(), a.kind(), a.title(), a.deliveryStatus()));
        }
        out.println();
        out.println("Outputs:");
        out.println("  PostgreSQL  " + s.outputs().predictionsTable());
        out.println("  Delta       " + s.outputs().deltaTable());
        out.println("  Quarantine  " + s.outputs().quarantineTable());
    }

    static String abbreviate(String s, int max) {
        String one = s.replace('\n', ' ');
        return one.length() <= max ? one : one.substring(0, max - 3) + "...";
    }
}
