package dev.nightshift.scheduling;

import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.pipelines.PipelineService;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** Keeps one Quartz cron trigger per scheduled, unpaused pipeline in the clustered job store. */
@Service
public class PipelineScheduler {
    private static final Logger log = LoggerFactory.getLogger(PipelineScheduler.class);
    static final String GROUP = "nightshift";

    private final Scheduler scheduler;
    private final PipelineService pipelines;

    public PipelineScheduler(Scheduler scheduler, PipelineService pipelines) {
        this.scheduler = scheduler;
        this.pipelines = pipelines;
    }

    /** Adds, replaces or removes triggers so that they match the pipelines' current specs. */
    public List<ScheduledPipeline> sync() throws SchedulerException {
        List<ScheduledPipeline> out = new ArrayList<>();
        for (var summary : pipelines.list()) {
            PipelineSpec spec = pipelines.current(summary.name()).spec();
            JobKey jobKey = JobKey.jobKey(summary.name(), GROUP);
            TriggerKey triggerKey = TriggerKey.triggerKey(summary.name(), GROUP);
            if (spec.schedule() == null || summary.paused()) {
                scheduler.deleteJob(jobKey);
                continue;
            }
            JobDetail job = JobBuilder.newJob(NightlyQuartzJob.class)
                    .withIdentity(jobKey)
                    .usingJobData(NightlyQuartzJob.PIPELINE, spec.name())
                    .usingJobData(NightlyQuartzJob.TIMEZONE, spec.schedule().timezone())
                    .usingJobData(NightlyQuartzJob.OFFSET_DAYS, spec.schedule().businessDateOffsetDays())
                    .storeDurably()
                    .requestRecovery()
                    .build();
            // Misfires (nights missed while no instance was up) are skipped: catching up is an explicit backfill.
            CronTrigger trigger = TriggerBuilder.newTrigger()
                    .withIdentity(triggerKey)
                    .forJob(jobKey)
                    .withSchedule(CronScheduleBuilder.cronSchedule(spec.schedule().cron())
                            .inTimeZone(TimeZone.getTimeZone(spec.schedule().timezone()))
                            .withMisfireHandlingInstructionDoNothing())
                    .build();
            Trigger existing = scheduler.getTrigger(triggerKey);
            if (existing instanceof CronTrigger ct && ct.getCronExpression().equals(spec.schedule().cron())
                    && ct.getTimeZone().getID().equals(spec.schedule().timezone())) {
                scheduler.addJob(job, true);
            } else {
                scheduler.scheduleJob(job, java.util.Set.of(trigger), true);
            }
            Trigger current = scheduler.getTrigger(triggerKey);
            Date next = current == null ? null : current.getNextFireTime();
            out.add(new ScheduledPipeline(spec.name(), spec.schedule().cron(), spec.schedule().timezone(),
                    next == null ? null : next.toInstant()));
            log.info("scheduled {} at '{}' {} (next fire {})", spec.name(), spec.schedule().cron(), spec.schedule().timezone(), next);
        }
        return out;
    }

    /** A pipeline's trigger as scheduled. */
    public record ScheduledPipeline(String pipeline, String cron, String timezone, java.time.Instant nextFire) {
    }
}
