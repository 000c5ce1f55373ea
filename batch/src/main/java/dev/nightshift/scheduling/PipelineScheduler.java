package dev.nightshift.scheduling;

import dev.nightshift.audit.AuditLog;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.pipelines.PipelineSummary;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Keeps one Quartz job per scheduled pipeline in the clustered JDBC store, each with a one-shot trigger for its next
 * fire (computed by {@link FireTimes}, so daylight-saving nights follow Nightshift's rule, not Quartz's). Each fire
 * plants the next trigger. A trigger that fires late (no instance was up) fires at once, and the job applies the
 * pipeline's misfire policy.
 */
@Service
public class PipelineScheduler {
    private static final Logger log = LoggerFactory.getLogger(PipelineScheduler.class);
    static final String GROUP = "nightshift";

    private final Scheduler scheduler;
    private final PipelineService pipelines;
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Duration lateTolerance;

    public PipelineScheduler(Scheduler scheduler, PipelineService pipelines, JdbcClient jdbc, AuditLog audit, NightshiftProperties props) {
        this.scheduler = scheduler;
        this.pipelines = pipelines;
        this.jdbc = jdbc;
        this.audit = audit;
        this.lateTolerance = props.schedule().lateTolerance();
    }

    Duration lateTolerance() {
        return lateTolerance;
    }

    /** A pipeline's schedule as stored: next planned fire, or why there is none. */
    public record ScheduledPipeline(String pipeline, String cron, String timezone, String misfire, boolean paused, Instant nextFire) {
    }

    /**
     * Makes the store match the pipelines' current specs: adds jobs for new schedules, replans those whose cron or
     * zone changed, removes jobs of pipelines without a schedule; keeps untouched triggers (and their misfires).
     */
    public List<ScheduledPipeline> sync() throws SchedulerException {
        List<ScheduledPipeline> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (PipelineSummary summary : pipelines.list()) {
            names.add(summary.name());
            PipelineSpec.Schedule schedule = pipelines.current(summary.name()).spec().schedule();
            JobKey jobKey = JobKey.jobKey(summary.name(), GROUP);
            if (schedule == null) {
                scheduler.deleteJob(jobKey);
                continue;
            }
            JobDetail existing = scheduler.getJobDetail(jobKey);
            boolean sameTimes = existing != null
                    && schedule.cron().equals(existing.getJobDataMap().getString(NightlyQuartzJob.CRON))
                    && schedule.timezone().equals(existing.getJobDataMap().getString(NightlyQuartzJob.TIMEZONE));
            try {
                scheduler.addJob(jobDetail(summary.name(), schedule), true);
            } catch (org.quartz.JobPersistenceException e) {
                // Another instance starting at the same moment stored it first (a duplicate key): store it again, which
                // now replaces; any other persistence failure is rethrown.
                if (scheduler.getJobDetail(jobKey) == null) {
                    throw e;
                }
                scheduler.addJob(jobDetail(summary.name(), schedule), true);
            }
            Trigger trigger = storedTrigger(triggerKey(summary.name()));
            if (!sameTimes || trigger == null) {
                Instant next = new FireTimes(schedule.cron(), ZoneId.of(schedule.timezone())).next(Instant.now());
                planNext(summary.name(), next);
                log.info("scheduled {} at '{}' {} (next fire {})", summary.name(), schedule.cron(), schedule.timezone(), next);
            }
            if (summary.paused()) {
                scheduler.pauseJob(jobKey);
            }
            out.add(describe(summary.name(), schedule, summary.paused()));
        }
        for (JobKey key : scheduler.getJobKeys(org.quartz.impl.matchers.GroupMatcher.jobGroupEquals(GROUP))) {
            if (!names.contains(key.getName())) {
                scheduler.deleteJob(key);
            }
        }
        return out;
    }

    /** Replaces the pipeline's trigger by a one-shot trigger at {@code fire}. */
    public void planNext(String pipeline, Instant fire) throws SchedulerException {
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(triggerKey(pipeline))
                .forJob(JobKey.jobKey(pipeline, GROUP))
                .usingJobData(NightlyQuartzJob.PLANNED_FIRE, fire.toEpochMilli())
                .startAt(Date.from(fire))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        if (storedTrigger(trigger.getKey()) == null) {
            try {
                scheduler.scheduleJob(trigger);
                return;
            } catch (org.quartz.JobPersistenceException e) {
                // Another instance starting at the same moment may have planted it first (Quartz reports that as
                // ObjectAlreadyExistsException or, through the store, as a duplicate key): then replace it with the same
                // plan below; any other persistence failure is rethrown.
                if (storedTrigger(trigger.getKey()) == null) {
                    throw e;
                }
            }
        }
        scheduler.rescheduleJob(trigger.getKey(), trigger);
    }

    /**
     * Asks the cluster to run one business date now: a one-shot trigger that any running {@code serve} instance picks
     * up (it waits in the store until one is up). Unlike {@code nightshift run}, the run happens in a scheduler.
     */
    public void fire(String pipeline, java.time.LocalDate businessDate, String actor) throws SchedulerException {
        pipelines.current(pipeline);
        JobKey key = JobKey.jobKey(pipeline, GROUP);
        if (scheduler.getJobDetail(key) == null) {
            PipelineSpec.Schedule schedule = pipelines.current(pipeline).spec().schedule();
            if (schedule == null) {
                throw new IllegalArgumentException("pipeline " + pipeline + " has no schedule; run it with: nightshift run " + pipeline);
            }
            scheduler.addJob(jobDetail(pipeline, schedule), true);
        }
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity("fire-" + pipeline + "-" + businessDate + "-" + java.util.UUID.randomUUID().toString().substring(0, 8), GROUP)
                .forJob(key)
                .usingJobData(NightlyQuartzJob.MANUAL_DATE, businessDate.toString())
                .startNow()
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        scheduler.scheduleJob(trigger);
        audit.record(actor, "schedule.fire", "pipeline:" + pipeline, null, Map.of("businessDate", businessDate.toString()));
    }

    /** Every pipeline with a schedule: its next planned fire from the store, or computed if it was never planned. */
    public List<ScheduledPipeline> list() throws SchedulerException {
        List<ScheduledPipeline> out = new ArrayList<>();
        for (PipelineSummary summary : pipelines.list()) {
            PipelineSpec.Schedule schedule = pipelines.current(summary.name()).spec().schedule();
            if (schedule != null) {
                out.add(describe(summary.name(), schedule, summary.paused()));
            }
        }
        return out;
    }

    /** Pauses or resumes a pipeline's schedule; a resumed schedule continues from its next fire after now. */
    @Transactional
    public void setPaused(String pipeline, boolean paused, String actor) throws SchedulerException {
        PipelineSpec.Schedule schedule = pipelines.current(pipeline).spec().schedule();
        if (schedule == null) {
            throw new IllegalArgumentException("pipeline " + pipeline + " has no schedule to pause or resume (manual runs only)");
        }
        jdbc.sql("UPDATE pipelines SET paused = ?, updated_at = now() WHERE name = ?").params(paused, pipeline).update();
        audit.record(actor, paused ? "schedule.pause" : "schedule.resume", "pipeline:" + pipeline, Map.of("paused", !paused), Map.of("paused", paused));
        JobKey key = JobKey.jobKey(pipeline, GROUP);
        if (scheduler.getJobDetail(key) == null) {
            return; // never scheduled yet: `serve` will honour the flag when it syncs
        }
        if (paused) {
            scheduler.pauseJob(key);
        } else {
            // Nights that fell into the pause were paused on purpose: continue with the next fire from now.
            planNext(pipeline, new FireTimes(schedule.cron(), ZoneId.of(schedule.timezone())).next(Instant.now()));
            scheduler.resumeJob(key);
        }
    }

    private ScheduledPipeline describe(String pipeline, PipelineSpec.Schedule schedule, boolean paused) throws SchedulerException {
        Trigger trigger = storedTrigger(triggerKey(pipeline));
        Instant next = trigger != null && trigger.getNextFireTime() != null ? trigger.getNextFireTime().toInstant()
                : new FireTimes(schedule.cron(), ZoneId.of(schedule.timezone())).next(Instant.now());
        return new ScheduledPipeline(pipeline, schedule.cron(), schedule.timezone(), schedule.misfire(), paused, paused ? null : next);
    }

    /**
     * The stored trigger, or null. Quartz reads a trigger in two statements (its row, then its schedule's row), each
     * seeing what is committed when it runs; when another instance of the cluster removes or replaces the trigger in
     * between (two `serve` instances starting together, or one recovering a dead instance's triggers), the second finds
     * nothing and Quartz reports "No record found for selection of Trigger", which once stopped a `serve` instance at
     * start. That read is made again, a few times, to see the trigger as the other instance left it; a trigger that
     * stays half-read is rethrown.
     */
    private Trigger storedTrigger(TriggerKey key) throws SchedulerException {
        for (int attempt = 1; ; attempt++) {
            try {
                return scheduler.getTrigger(key);
            } catch (org.quartz.JobPersistenceException e) {
                if (attempt == 5 || e.getMessage() == null || !e.getMessage().contains("No record found for selection of Trigger")) {
                    throw e;
                }
                try {
                    Thread.sleep(20L << attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static JobDetail jobDetail(String pipeline, PipelineSpec.Schedule schedule) {
        JobDataMap data = new JobDataMap();
        data.put(NightlyQuartzJob.PIPELINE, pipeline);
        data.put(NightlyQuartzJob.CRON, schedule.cron());
        data.put(NightlyQuartzJob.TIMEZONE, schedule.timezone());
        data.put(NightlyQuartzJob.OFFSET_DAYS, schedule.businessDateOffsetDays());
        data.put(NightlyQuartzJob.MISFIRE, schedule.misfire());
        data.put(NightlyQuartzJob.MAX_CATCH_UP, schedule.maxCatchUp());
        return JobBuilder.newJob(NightlyQuartzJob.class)
                .withIdentity(JobKey.jobKey(pipeline, GROUP))
                .usingJobData(data)
                .storeDurably()
                .requestRecovery() // if the instance running it dies, another instance of the cluster re-runs it
                .build();
    }

    private static TriggerKey triggerKey(String pipeline) {
        return TriggerKey.triggerKey(pipeline, GROUP);
    }
}
