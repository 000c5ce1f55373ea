package dev.nightshift.cli;

import dev.nightshift.alerts.LateRuns;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.database.DatabaseEndpoint;
import dev.nightshift.scheduling.PipelineScheduler;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.quartz.Scheduler;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import picocli.CommandLine.Command;

/** {@code nightshift serve}: the scheduler, the dashboard and the HTTP API, until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the scheduler (clustered Quartz: start several against one database) and the HTTP API until stopped.",
                "Each applied, unpaused pipeline with a schedule fires by its cron and time zone."})
public class ServeCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.SERVLET);
        CountDownLatch stopped = new CountDownLatch(1);
        ctx.addApplicationListener((org.springframework.context.event.ContextClosedEvent e) -> stopped.countDown());
        int stale = ctx.getBean(dev.nightshift.runs.StaleRunRecovery.class).recover(null, null);
        if (stale > 0) {
            System.out.println(stale + " run(s) left running by a stopped orchestrator were marked failed; running them again resumes them");
        }
        for (PipelineScheduler.ScheduledPipeline p : ctx.getBean(PipelineScheduler.class).sync()) {
            System.out.printf("scheduled %s: '%s' %s (misfire %s)%s%n", p.pipeline(), p.cron(), p.timezone(), p.misfire(),
                    p.paused() ? ", paused" : ", next fire " + p.nextFire());
        }
        ctx.getBean(Scheduler.class).start();
        ctx.getBean(LateRuns.class).start(ctx.getBean(NightshiftProperties.class).alerts().lateCheckInterval());
        Environment env = ctx.getEnvironment();
        String base = "http://localhost:" + env.getProperty("local.server.port", "8080");
        System.out.println("nightshift serving the dashboard on " + base + "/ and the API on " + base
                + "/api (database " + ctx.getBean(DatabaseEndpoint.class).maskedUrl() + "); Ctrl-C stops it.");
        System.out.println("sign in with an API token: the admin token is in "
                + ctx.getBean(dev.nightshift.security.AdminTokenBootstrap.class).file() + "; `nightshift tokens create` makes others");
        stopped.await();
        return CliExitCodes.OK;
    }
}
