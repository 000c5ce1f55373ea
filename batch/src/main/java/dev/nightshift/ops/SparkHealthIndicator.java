package dev.nightshift.ops;

import dev.nightshift.spark.ManagedSparkSubmitter;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health of the Spark submitter: the jobs jar and its library folder are where the configuration says, and a
 * standalone master ({@code spark://host:port}, several for HA) accepts connections.
 */
@Component("spark")
public class SparkHealthIndicator implements HealthIndicator {
    private final ManagedSparkSubmitter submitter;

    public SparkHealthIndicator(ManagedSparkSubmitter submitter) {
        this.submitter = submitter;
    }

    @Override
    public Health health() {
        try {
            submitter.classpath().verified();
            String unreachable = unreachableStandaloneMaster(submitter.master());
            if (unreachable != null) {
                return Health.down().withDetail("master", submitter.master()).withDetail("error", unreachable).build();
            }
            return Health.up().withDetail("jobsJar", submitter.classpath().jobsJar().toString())
                    .withDetail("master", submitter.master()).build();
        } catch (IllegalStateException e) {
            return Health.down().withDetail("error", e.getMessage()).build();
        }
    }

    /** Null when the master is not standalone or one of its addresses accepts a TCP connection; else why not. */
    static String unreachableStandaloneMaster(String master) {
        if (!master.startsWith("spark://")) {
            return null;
        }
        StringBuilder errors = new StringBuilder();
        for (String address : master.substring("spark://".length()).split(",")) {
            int colon = address.lastIndexOf(':');
            String host = colon < 0 ? address : address.substring(0, colon);
            int port = colon < 0 ? 7077 : Integer.parseInt(address.substring(colon + 1));
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(host, port), 2000);
                return null;
            } catch (java.io.IOException e) {
                errors.append(errors.length() == 0 ? "" : "; ").append(host).append(':').append(port).append(": ").append(e.getMessage());
            }
        }
        return "no standalone master reachable: " + errors;
    }
}
