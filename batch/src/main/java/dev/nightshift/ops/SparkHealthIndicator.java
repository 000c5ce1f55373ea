package dev.nightshift.ops;

import dev.nightshift.spark.LocalSparkSubmitter;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health of the Spark submitter: the jobs jar and its library folder are where the configuration says. */
@Component("spark")
public class SparkHealthIndicator implements HealthIndicator {
    private final LocalSparkSubmitter submitter;

    public SparkHealthIndicator(LocalSparkSubmitter submitter) {
        this.submitter = submitter;
    }

    @Override
    public Health health() {
        try {
            submitter.classpath().verified();
            return Health.up().withDetail("jobsJar", submitter.classpath().jobsJar().toString())
                    .withDetail("master", submitter.master()).build();
        } catch (IllegalStateException e) {
            return Health.down().withDetail("error", e.getMessage()).build();
        }
    }
}
