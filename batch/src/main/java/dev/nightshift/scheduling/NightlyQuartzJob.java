package dev.nightshift.scheduling;

import dev.nightshift.runs.RunRefusedException;
import dev.nightshift.runs.RunRequest;
import dev.nightshift.runs.RunService;
import dev.nightshift.runs.RunTrigger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.quartz.QuartzJobBean;

/**
 * Fired by a pipeline's one-shot trigger: first plants the trigger of the next fire (so the chain survives a crash
 * of this run), then runs the night(s) the misfire policy says, each for the business date its fire stands for.
 */
@DisallowConcurrentExecution
public class NightlyQuartzJob extends QuartzJobBean {
    private static final Logger log = LoggerFactory.getLogger(NightlyQuartzJob.class);
    static final String PIPELINE = "pipeline";
    static final String CRON = "cron";
    static final String TIMEZONE = "timezone";
    static final String OFFSET_DAYS = "businessDateOffsetDays";
    static final String MISFIRE = "misfire";
    static final String MAX_CATCH_UP = "maxCatchUp";
    /** On the trigger: the fire instant it was planned for (Quartz rewrites the scheduled time of a misfired trigger). */
    static final String PLANNED_FIRE = "plannedFire";
    /** On a manual trigger ({@code nightshift schedule fire}): the one business date to run; no misfire logic, no chain. */
    static final String MANUAL_DATE = "manualBusinessDate";

    private RunService runService;
    private PipelineScheduler pipelineScheduler;
    private Duration lateTolerance = Duration.ofMinutes(10);

    @org.springframework.beans.factory.annotation.Autowired
    public void setRunService(RunService runService) {
        this.runService = runService;
    }

    @org.springframework.beans.factory.annotation.Autowired
    public void setPipelineScheduler(PipelineScheduler pipelineScheduler) {
        this.pipelineScheduler = pipelineScheduler;
        this.lateTolerance = pipelineScheduler.lateTolerance();
    }

    @Override
    protected void executeInternal(JobExecutionContext context) throws JobExecutionException {
        JobDataMap data = context.getMergedJobDataMap();
        String pipeline = data.getString(PIPELINE);
        if (data.containsKey(MANUAL_DATE)) {
            runManual(pipeline, LocalDate.parse(data.getString(MANUAL_DATE)));
            return;
        }
        ZoneId zone = ZoneId.of(data.getString(TIMEZONE));
        FireTimes fireTimes = new FireTimes(data.getString(CRON), zone);
        Instant planned = Instant.ofEpochMilli(data.getLong(PLANNED_FIRE));
        Instant now = Instant.now();
        try {
            pipelineScheduler.planNext(pipeline, fireTimes.next(now.isAfter(planned) ? now : planned));
        } catch (SchedulerException e) {
            throw new JobExecutionException("cannot plant the next trigger of " + pipeline + ": " + e.getMessage(), e, false);
        }
        MisfirePlan plan = MisfirePlan.of(planned, now, fireTimes, data.getString(MISFIRE), data.getInt(MAX_CATCH_UP), lateTolerance);
        for (Instant fire : plan.skipped()) {
            log.warn("{}: skipped the night of {} planned at {} (missed while no orchestrator was up; misfire policy {})",
                    pipeline, businessDate(fire, zone, data.getInt(OFFSET_DAYS)), fire, data.getString(MISFIRE));
        }
        RuntimeException failure = null;
        for (Instant fire : plan.run()) {
            LocalDate date = businessDate(fire, zone, data.getInt(OFFSET_DAYS));
            try {
                runService.run(new RunRequest(pipeline, date, RunTrigger.SCHEDULE, false, "scheduler"));
            } catch (RunRefusedException e) {
                // Another instance or an operator already ran or is running this date: nothing to do, by design.
                log.info("scheduled run of {} {} not started: {}", pipeline, date, e.getMessage());
            } catch (RuntimeException e) {
                log.error("scheduled run of {} {} could not run: {}", pipeline, date, e.getMessage());
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw new JobExecutionException("scheduled run of " + pipeline + " failed: " + failure.getMessage(), failure, false);
        }
    }

    private void runManual(String pipeline, LocalDate date) throws JobExecutionException {
        try {
            runService.run(new RunRequest(pipeline, date, RunTrigger.SCHEDULE, false, "scheduler"));
        } catch (RunRefusedException e) {
            log.info("fired run of {} {} not started: {}", pipeline, date, e.getMessage());
        } catch (RuntimeException e) {
            throw new JobExecutionException("fired run of " + pipeline + " " + date + " failed: " + e.getMessage(), e, false);
        }
    }

    /** The business date of a fire: the calendar date of the fire in the pipeline's zone, plus the offset. */
    static LocalDate businessDate(Instant fire, ZoneId zone, int offsetDays) {
        return fire.atZone(zone).toLocalDate().plusDays(offsetDays);
    }
}
