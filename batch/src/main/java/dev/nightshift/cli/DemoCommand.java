package dev.nightshift.cli;

import dev.nightshift.config.NightshiftHome;
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
            + " (a null, an out-of-range value, an unseen category, a NaN, a duplicated id)")
    LocalDate badRowsOn;

    @Option(names = "--specs", description = "folder of pipeline specs (default: config/pipelines of the installation)")
    Path specs;

    @Override
    public Integer call() {
        try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
            Path specDir = specs != null ? specs : NightshiftHome.installDir().resolve("config/pipelines");
            long t0 = System.nanoTime();
            List<RunRecord> runs = ctx.getBean(DemoService.class).run(new DemoService.Options(start, nights, entities, specDir, badRowsOn),
                    line -> System.out.println("[demo] " + line));
            System.out.println();
            TablePrinter t = new TablePrinter("date", "rows scored", "model", "status", "seconds");
            for (RunRecord r : runs) {
                t.row(r.businessDate(), r.rowsScored(), r.modelVersion() == null ? null : "v" + r.modelVersion(), r.status(),
                        r.duration() == null ? null : String.format("%.1f", r.duration().toMillis() / 1000.0));
            }
            t.print(System.out);
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
