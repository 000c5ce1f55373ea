package dev.nightshift.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.IntegrationTest;
import dev.nightshift.pipelines.PipelineService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerKey;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The real Quartz scheduler on the clustered JDBC store: a planted trigger fires, runs the pipeline for the fire's
 * business date and plants the next fire; missed nights follow the misfire policy. The pipeline's input does not
 * exist, so its runs fail fast in Spark: what is checked is which dates were run, not how they went.
 */
class SchedulerIT extends IntegrationTest {
    @Autowired Scheduler scheduler;
    @Autowired PipelineScheduler pipelineScheduler;
    @Autowired PipelineService pipelines;
    @Autowired JdbcClient jdbc;

    @BeforeEach
    void start() throws Exception {
        scheduler.start();
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.standby();
        for (String p : List.of("sched-on-time", "sched-catch-up", "sched-race")) {
            scheduler.deleteJob(JobKey.jobKey(p, PipelineScheduler.GROUP));
        }
    }

    @Test
    void aPlantedTriggerRunsTheFiresBusinessDateAndPlantsTheNextFire() throws Exception {
        apply("sched-on-time", "skip");
        pipelineScheduler.sync();
        Instant planned = Instant.now().plusSeconds(2);

        pipelineScheduler.planNext("sched-on-time", planned);

        List<LocalDate> dates = awaitScheduledRuns("sched-on-time", 1);
        assertThat(dates).containsExactly(planned.atZone(ZoneOffset.UTC).toLocalDate().minusDays(1));
        Instant next = scheduler.getTrigger(TriggerKey.triggerKey("sched-on-time", PipelineScheduler.GROUP)).getNextFireTime().toInstant();
        assertThat(next).isAfter(planned);
        assertThat(next.atZone(ZoneOffset.UTC).getHour()).isEqualTo(3);
    }

    @Test
    void nightsMissedWhileNoOrchestratorWasUpAreCaughtUpOldestFirstWithinTheBound() throws Exception {
        apply("sched-catch-up", "catch-up");
        pipelineScheduler.sync();
        // planned three nights ago at 03:00 UTC, and no instance was up since: at least three fires were missed
        Instant planned = LocalDate.now(ZoneOffset.UTC).minusDays(3).atTime(3, 0).toInstant(ZoneOffset.UTC);
        FireTimes fires = new FireTimes("0 0 3 * * ?", ZoneOffset.UTC);
        List<Instant> due = new java.util.ArrayList<>(List.of(planned));
        due.addAll(fires.between(planned, Instant.now()));

        pipelineScheduler.planNext("sched-catch-up", planned);

        List<LocalDate> dates = awaitScheduledRuns("sched-catch-up", 2);
        Thread.sleep(2000); // nothing more may follow
        assertThat(scheduledRunDates("sched-catch-up")).containsExactlyElementsOf(dates);
        // maxCatchUp is 2: the two most recent fires run, oldest first; business date = fire date - 1
        assertThat(dates).containsExactly(
                due.get(due.size() - 2).atZone(ZoneOffset.UTC).toLocalDate().minusDays(1),
                due.get(due.size() - 1).atZone(ZoneOffset.UTC).toLocalDate().minusDays(1));
    }

    @Test
    void aTriggerThatAnotherInstanceRemovesWhileItIsReadIsReadAgainAndPlannedAfresh() throws Exception {
        apply("sched-race", "skip");
        pipelineScheduler.sync();
        TriggerKey key = TriggerKey.triggerKey("sched-race", PipelineScheduler.GROUP);
        assertThat(scheduler.getTrigger(key)).isNotNull();

        // as another instance's removal looks between Quartz's two reads of the trigger: its schedule's row gone, its
        // own row still there (Quartz: "No record found for selection of Trigger"), then, a moment later, gone too
        jdbc.sql("DELETE FROM qrtz_simple_triggers WHERE trigger_name = 'sched-race'").update();
        Thread remover = new Thread(() -> {
            try {
                Thread.sleep(60);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            jdbc.sql("DELETE FROM qrtz_triggers WHERE trigger_name = 'sched-race'").update();
        });
        remover.start();

        // the sync reads it again once the removal is complete, and plans the next fire anew
        List<PipelineScheduler.ScheduledPipeline> synced = pipelineScheduler.sync();
        remover.join();
        assertThat(synced).anyMatch(p -> p.pipeline().equals("sched-race") && p.nextFire() != null);
        assertThat(scheduler.getTrigger(key).getNextFireTime()).isNotNull();

        // a trigger that stays half there is not papered over
        jdbc.sql("DELETE FROM qrtz_simple_triggers WHERE trigger_name = 'sched-race'").update();
        org.assertj.core.api.Assertions.assertThatThrownBy(pipelineScheduler::sync)
                .hasMessageContaining("No record found for selection of Trigger");
        jdbc.sql("DELETE FROM qrtz_triggers WHERE trigger_name = 'sched-race'").update();
    }

    private void apply(String name, String misfire) throws Exception {
        Path spec = HOME.resolve(name + ".yml");
        Files.writeString(spec, Files.readString(Path.of("../config/pipelines/churn.yml"))
                .replace("name: churn", "name: " + name)
                .replace("cron: \"0 30 2 * * ?\"", "cron: \"0 0 3 * * ?\"")
                .replace("timezone: Europe/Berlin", "timezone: UTC\n  misfire: " + misfire + "\n  maxCatchUp: 2")
                .replace("{warehouse}/input/churn", "{warehouse}/no-such-input/" + name));
        pipelines.apply(spec, "test");
    }

    private List<LocalDate> awaitScheduledRuns(String pipeline, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            List<LocalDate> dates = scheduledRunDates(pipeline);
            boolean allDone = jdbc.sql("SELECT count(*) FROM runs WHERE pipeline = ? AND status = 'RUNNING'").param(pipeline)
                    .query(Long.class).single() == 0;
            if (dates.size() >= count && allDone) {
                return dates;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("expected " + count + " scheduled runs of " + pipeline + ", found " + scheduledRunDates(pipeline));
    }

    private List<LocalDate> scheduledRunDates(String pipeline) {
        return jdbc.sql("SELECT business_date FROM runs WHERE pipeline = ? AND trigger = 'schedule' ORDER BY id").param(pipeline)
                .query(LocalDate.class).list();
    }
}
