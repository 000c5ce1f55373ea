package dev.nightshift;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the real application context on a real embedded PostgreSQL (any free port,
 * data in a fresh folder) submitting real Spark child JVMs on local[2]. Subclasses share one context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
public abstract class IntegrationTest {
    protected static final Path HOME = createHome();
    /**
     * JVM options (comma-separated) for the Spark children of tests: on test-sized data, C1-compiled code is fast enough and skipping C2
     * leaves the two cores to the jobs; the serial collector suits a small heap.
     */
    public static final String SMALL_DATA_JVM = "-XX:TieredStopAtLevel=1,-XX:+UseSerialGC";

    private static final java.util.concurrent.atomic.AtomicInteger CONTEXTS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * A Quartz scheduler name of its own for each application context of a test JVM. Quartz keeps its JDBC store's
     * data source in a JVM-wide registry under the scheduler's name: contexts sharing a name (the cached contexts of
     * several test classes, and the in-process CLI runs of {@code NightshiftCommandIT}, which close theirs) would use
     * each other's data source, or a closed one.
     */
    public static String schedulerNameOfANewContext() {
        return "nightshift-test-" + ProcessHandle.current().pid() + "-" + CONTEXTS.incrementAndGet();
    }

    @DynamicPropertySource
    static void nightshiftProperties(DynamicPropertyRegistry registry) {
        String schedulerName = schedulerNameOfANewContext();
        registry.add("spring.quartz.scheduler-name", () -> schedulerName);
        registry.add("nightshift.home", HOME::toString);
        registry.add("nightshift.embedded.port", () -> "0");
        registry.add("nightshift.spark.master", () -> "local[2]");
        registry.add("nightshift.spark.driver-memory", () -> "1g");
        registry.add("nightshift.spark.java-options", () -> SMALL_DATA_JVM);
        registry.add("nightshift.spark.timeout", () -> "10m");
        registry.add("nightshift.spark.retry-backoff", () -> "1s");
        // Quartz finds missed fires (SchedulerIT's catch-up) by scanning for misfired triggers once per threshold: the
        // application's minute made that test wait up to 60 s for its first catch-up run. The pipeline's misfire
        // policy works from the planned fire times (NightlyQuartzJob), not from this threshold.
        registry.add("spring.quartz.properties.org.quartz.jobStore.misfireThreshold", () -> "5000");
    }

    private static Path createHome() {
        try {
            return Files.createTempDirectory("nightshift-it-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
