package dev.nightshift.ops;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Health of the Quartz scheduler: started or in standby, and how many cluster instances check in. */
@Component("scheduler")
public class SchedulerHealthIndicator implements HealthIndicator {
    private final Scheduler scheduler;
    private final JdbcClient jdbc;

    public SchedulerHealthIndicator(Scheduler scheduler, JdbcClient jdbc) {
        this.scheduler = scheduler;
        this.jdbc = jdbc;
    }

    @Override
    public Health health() {
        try {
            long instances = jdbc.sql("SELECT count(*) FROM qrtz_scheduler_state").query(Long.class).single();
            Health.Builder b = scheduler.isShutdown() ? Health.down() : Health.up();
            return b.withDetail("started", scheduler.isStarted() && !scheduler.isInStandbyMode())
                    .withDetail("instanceId", scheduler.getSchedulerInstanceId())
                    .withDetail("clusterInstances", instances)
                    .build();
        } catch (SchedulerException e) {
            return Health.down(e).build();
        }
    }
}
