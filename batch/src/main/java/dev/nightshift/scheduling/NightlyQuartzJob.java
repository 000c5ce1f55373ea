package dev.nightshift.scheduling;

import dev.nightshift.runs.RunRefusedException;
import dev.nightshift.runs.RunRequest;
import dev.nightshift.runs.RunService;
import dev.nightshift.runs.RunTrigger;
import java.time.LocalDate;
import java.time.ZoneId;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.quartz.QuartzJobBean;

/** Fired by a pipeline's cron trigger: runs the nightly job for the business date the fire time stands for. */
@DisallowConcurrentExecution
public class NightlyQuartzJob extends QuartzJobBean {
    private static final Logger log = LoggerFactory.getLogger(NightlyQuartzJob.class);
    static final String PIPELINE = "pipeline";
    static final String TIMEZONE = "timezone";
    static final String OFFSET_DAYS = "businessDateOffsetDays";

    private RunService runService;

    public void setRunService(RunService runService) {
        this.runService = runService;
    }

    @Override
    protected void executeInternal(JobExecutionContext context) throws JobExecutionException {
        JobDataMap data = context.getMergedJobDataMap();
        String pipeline = data.getString(PIPELINE);
        LocalDate date = businessDate(context.getScheduledFireTime().toInstant(), ZoneId.of(data.getString(TIMEZONE)),
                data.getInt(OFFSET_DAYS));
        try {
            runService.run(new RunRequest(pipeline, date, RunTrigger.SCHEDULE, false, "scheduler"));
        } catch (RunRefusedException e) {
            // Another instance or an operator already ran or is running this date: nothing to do, by design.
            log.info("scheduled run of {} {} not started: {}", pipeline, date, e.getMessage());
        } catch (RuntimeException e) {
            throw new JobExecutionException("scheduled run of " + pipeline + " " + date + " failed: " + e.getMessage(), e, false);
        }
    }

    /** The business date of a fire: the calendar date of the scheduled fire time in the pipeline's zone, plus the offset. */
    static LocalDate businessDate(java.time.Instant scheduledFire, ZoneId zone, int offsetDays) {
        return scheduledFire.atZone(zone).toLocalDate().plusDays(offsetDays);
    }
}
