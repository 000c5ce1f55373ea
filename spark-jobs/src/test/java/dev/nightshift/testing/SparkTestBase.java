package dev.nightshift.testing;

import dev.nightshift.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.BeforeAllCallback;

/**
 * Base of every test that needs Spark: one local[2] session for the whole test run, configured like the jobs'
 * sessions, stopped (and the active/default sessions cleared) when the run ends.
 */
public abstract class SparkTestBase {

    protected static SparkSession spark;

    @RegisterExtension
    static final BeforeAllCallback SHARED_SESSION = context -> spark = context.getRoot()
            .getStore(ExtensionContext.Namespace.GLOBAL)
            .computeIfAbsent(SharedSession.class, k -> new SharedSession(), SharedSession.class).session;

    /**
     * A job run in a test turns code generation off in the shared session when its input is small (as in its own
     * session, see {@code CodeGeneration}), and a test may set that limit: the next test starts with the defaults again.
     */
    @org.junit.jupiter.api.AfterEach
    void restoreCodeGeneration() {
        spark.conf().unset(dev.nightshift.spark.CodeGeneration.MAX_INPUT_BYTES);
        dev.nightshift.spark.CodeGeneration.restoreDefaults(spark);
    }

    @BeforeAll
    static void requireSession() {
        if (spark == null) {
            throw new IllegalStateException("shared Spark session was not created");
        }
    }

    /** Closed by JUnit when the root context (the whole run) ends. */
    static final class SharedSession implements AutoCloseable {
        final SparkSession session = SparkSessions.configure(SparkSession.builder()
                        .master("local[2]")
                        .appName("nightshift-tests")
                        .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/nightshift-test-warehouse"))
                // Test data is a few thousand rows: one task per core is plenty.
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2")
                .getOrCreate();

        @Override
        public void close() {
            session.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }
}
