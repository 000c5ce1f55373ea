package dev.nightshift.cli;

import dev.nightshift.scheduling.PipelineScheduler;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code nightshift schedule list|pause|resume}. */
@Command(name = "schedule", mixinStandardHelpOptions = true, description = "Show, pause and resume pipeline schedules.",
        subcommands = {ScheduleCommand.ListSchedules.class, ScheduleCommand.Pause.class, ScheduleCommand.Resume.class,
                ScheduleCommand.Fire.class})
public class ScheduleCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Scheduled pipelines and their next fire times.")
    static class ListSchedules implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                TablePrinter t = new TablePrinter("pipeline", "cron", "timezone", "misfire", "state", "next fire (local)", "next fire (UTC)");
                for (PipelineScheduler.ScheduledPipeline p : ctx.getBean(PipelineScheduler.class).list()) {
                    t.row(p.pipeline(), p.cron(), p.timezone(), p.misfire(), p.paused() ? "paused" : "active",
                            p.nextFire() == null ? null : p.nextFire().atZone(ZoneId.of(p.timezone())).toLocalDateTime(), p.nextFire());
                }
                t.print(System.out);
            }
            return CliExitCodes.OK;
        }
    }

    /** Pause and resume differ only in the flag they set. */
    abstract static class SetPaused implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        abstract boolean paused();

        @Override
        public Integer call() throws Exception {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                ctx.getBean(PipelineScheduler.class).setPaused(pipeline, paused(), dev.nightshift.security.Actors.cli());
                System.out.println(pipeline + ": schedule " + (paused() ? "paused" : "resumed"));
            }
            return CliExitCodes.OK;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop a pipeline's scheduled runs until resumed.")
    static class Pause extends SetPaused {
        @Override
        boolean paused() {
            return true;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Resume a paused schedule from its next fire time; nights missed while paused are not run (use backfill).")
    static class Resume extends SetPaused {
        @Override
        boolean paused() {
            return false;
        }
    }

    @Command(name = "fire", mixinStandardHelpOptions = true,
            description = {"Ask the scheduler cluster to run one business date now (any `serve` instance picks it up;",
                    "it waits in the database until one is up). `nightshift run` runs in this process instead."})
    static class Fire implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        @picocli.CommandLine.Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "the business date to run")
        java.time.LocalDate date;

        @Override
        public Integer call() throws Exception {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                ctx.getBean(PipelineScheduler.class).fire(pipeline, date, dev.nightshift.security.Actors.cli());
                System.out.println(pipeline + " " + date + ": handed to the scheduler");
            }
            return CliExitCodes.OK;
        }
    }
}
