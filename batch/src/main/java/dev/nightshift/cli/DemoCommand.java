package dev.nightshift.cli;

import dev.nightshift.config.NightshiftHome;
import dev.nightshift.alerts.Alert;
import dev.nightshift.alerts.AlertRepository;
import dev.nightshift.alerts.LocalWebhookReceiver;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.database.DatabaseEndpoint;
import dev.nightshift.demo.DemoService;
import dev.nightshift.runs.RunRecord;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nightshift demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate synthetic data, apply config/pipelines/*.yml and run consecutive nights of churn.")
public class DemoCommand implements Callable<Integer> {
    @Option(names = "--nights", defaultValue = "14", description = "nights to run (default ${DEFAULT-VALUE})")
    int nights;

    @Option(names = "--entities", defaultValue = "5000", description = "customers scored each night (default ${DEFAULT-VALUE})")
    long entities;

    @Option(names = "--start", defaultValue = "2026-11-01", description = "first business date (default ${DEFAULT-VALUE})")
    LocalDate start;

    @Option(names = "--bad-rows-on", description = "a business date whose input gets a few rows that validation quarantines"
            + " (a null, an out-of-range value, an unseen category, a NaN, a duplicated id); default: the second night")
    LocalDate badRowsOn;

    @Option(names = "--specs", description = "folder of pipeline specs (default: config/pipelines of the installation)")
    Path specs;

    @Override
    public Integer call() throws Exception {
        // A local stand-in for a Slack channel: the demo's alerts are delivered to it like to a real webhook.
        try (LocalWebhookReceiver receiver = LocalWebhookReceiver.start();
             ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE,
                     java.util.Map.of("nightshift.alerts.webhook-url", receiver.url().toString()))) {
            Path specDir = specs != null ? specs : NightshiftHome.installDir().resolve("config/pipelines");
            long t0 = System.nanoTime();
            List<RunRecord> runs;
            // Step and Spark stage progress of the nights on stderr; the demo's story stays on stdout.
            try (RunProgress progress = new RunProgress(ctx.getBean(dev.nightshift.runs.RunRepository.class), "churn", start,
                    start.plusDays(nights - 1L), System.err, RunProgress.isTerminal())) {
                runs = ctx.getBean(DemoService.class).run(new DemoService.Options(start, nights, entities, specDir,
                                badRowsOn != null ? badRowsOn : start.plusDays(Math.min(1, nights - 1))),
                        line -> System.out.println("[demo] " + line));
            }
            System.out.println();
            TablePrinter t = new TablePrinter("date", "champion", "rows scored", "quarantined", "drifted features",
                    "AUC [95% CI] of the night", "decision", "candidate", "status", "seconds");
            for (DemoService.StoryRow r : ctx.getBean(DemoService.class).story(runs)) {
                t.row(r.date(), r.model() == null ? null : "v" + r.model(), r.rows(), r.quarantined(), r.driftedFeatures(),
                        r.auc() == null ? "labels pending" : String.format(java.util.Locale.ROOT, "%.3f [%.3f, %.3f]", r.auc(), r.aucLow(), r.aucHigh()),
                        r.decision(), r.candidate() == null ? null : "v" + r.candidate() + " " + r.action(), r.status(),
                        r.seconds() == null ? null : String.format(java.util.Locale.ROOT, "%.1f", r.seconds()));
            }
            t.print(System.out);
            System.out.println("Quarantined: input rows validation set aside (nightshift.data_quality, quarantine/churn in the warehouse)."
                    + " Drifted features: the night against the champion's training profile (nightshift.feature_drift).");
            System.out.println("AUC: the night's predictions against labels that arrived later (DeLong interval). Decision: the"
                    + " night's judgement of its champion (see `scripts/nightshift decisions churn` for the reasons).");
            System.out.println();
            System.out.println("Alerts delivered to the demo's local webhook (" + receiver.url() + "): " + receiver.payloads().size());
            TablePrinter a = new TablePrinter("first night", "nights", "kind", "severity", "alert", "delivery");
            List<Alert> alerts = new java.util.ArrayList<>(ctx.getBean(AlertRepository.class).list(null, 0, 200));
            java.util.Collections.reverse(alerts);
            for (Alert alert : alerts) {
                a.row(alert.firstSeen(), alert.occurrences(), alert.kind(), alert.severity(), alert.title(), alert.deliveryStatus());
            }
            a.print(System.out);
            NightshiftProperties props = ctx.getBean(NightshiftProperties.class);
            DatabaseEndpoint db = ctx.getBean(DatabaseEndpoint.class);
            System.out.printf("%nDemo finished in %.0f s.%n", (System.nanoTime() - t0) / 1e9);
            System.out.println("Results:");
            System.out.println("  PostgreSQL   " + db.maskedUrl() + (db.embedded() ? " (embedded, data in "
                    + props.home().toAbsolutePath().normalize().resolve("pg") + ")" : ""));
            System.out.println("               tables nightshift.predictions, nightshift.runs, nightshift.model_versions, nightshift.model_aliases");
            System.out.println("  Warehouse    " + NightshiftHome.warehouseUri(props) + " (Delta table predictions/churn, models/churn)");
            System.out.println("Query them: keep the database up with `scripts/nightshift serve`, then in another terminal:");
            String port = db.url().replaceAll(".*://[^:/]+:(\\d+)/.*", "$1");
            System.out.println("  psql -h localhost -p " + port + " -U postgres -c \"SELECT business_date, count(*), avg(score) "
                    + "FROM nightshift.predictions WHERE pipeline = 'churn' GROUP BY 1 ORDER BY 1\"");
            boolean allOk = runs.size() == nights && runs.stream().allMatch(RunRecord::completed);
            return allOk ? CliExitCodes.OK : CliExitCodes.FAILED;
        }
    }
}
