package dev.nightshift.cli;

import dev.nightshift.alerts.Alert;
import dev.nightshift.alerts.AlertRepository;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nightshift alerts list}. */
@Command(name = "alerts", mixinStandardHelpOptions = true, description = "Show alerts raised by nightly runs.",
        subcommands = AlertsCommand.ListAlerts.class)
public class AlertsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List alerts, the most recently seen first.")
    static class ListAlerts implements Callable<Integer> {
        @Option(names = "--pipeline", paramLabel = "PIPELINE", description = "only this pipeline")
        String pipeline;

        @Option(names = "--limit", defaultValue = "30", description = "at most this many alerts (default ${DEFAULT-VALUE})")
        int limit;

        @picocli.CommandLine.Mixin
        Output output;

        @Override
        public Integer call() {
            output.check();
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
            }
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                java.util.List<Alert> alerts = ctx.getBean(AlertRepository.class).list(pipeline, 0, limit);
                if (output.json()) {
                    output.printJson(alerts);
                    return CliExitCodes.OK;
                }
                if (output.quiet()) {
                    alerts.forEach(a -> System.out.println(a.id()));
                    return CliExitCodes.OK;
                }
                TablePrinter t = new TablePrinter("alert", "pipeline", "kind", "severity", "first seen", "last seen", "nights",
                        "delivery", "run", "title");
                for (Alert a : alerts) {
                    String delivery = a.lastError() == null ? a.deliveryStatus()
                            : a.deliveryStatus() + " (" + a.attempts() + "x: " + abbreviate(a.lastError(), 60) + ")";
                    t.row(a.id(), a.pipeline(), a.kind(), a.severity(), a.firstSeen(), a.lastSeen(), a.occurrences(), delivery,
                            a.runId(), abbreviate(a.title(), 100));
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
