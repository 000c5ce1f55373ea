package dev.nightshift.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Typed configuration of the orchestrator, validated at start-up. One record per concern.
 * {@code nightshift.db.*} binds from the environment as {@code NIGHTSHIFT_DB_URL}, {@code NIGHTSHIFT_DB_USER},
 * {@code NIGHTSHIFT_DB_PASSWORD}.
 */
@Validated
@ConfigurationProperties("nightshift")
public record NightshiftProperties(
        @NotNull @DefaultValue(".nightshift") Path home,
        @Valid @DefaultValue Db db,
        @Valid @DefaultValue Embedded embedded,
        @Valid @DefaultValue Warehouse warehouse,
        @Valid @DefaultValue Spark spark,
        @Valid @DefaultValue Instance instance,
        @Valid @DefaultValue Schedule schedule,
        @Valid @DefaultValue Shutdown shutdown,
        @Valid @DefaultValue Alerts alerts,
        @Valid @DefaultValue Logs logs) {

    /**
     * An external PostgreSQL; when {@code url} is empty an embedded one is started under {@code home}. {@code user} is
     * the application's login (the role {@code nightshift_app} or a member of it); {@code ownerUser} and
     * {@code ownerPassword}, when set, are the login that runs the migrations (the owner {@code nightshift_owner} or a
     * member), otherwise {@code user} runs them.
     */
    public record Db(String url, @DefaultValue("postgres") String user, String password, String ownerUser, String ownerPassword) {
        public boolean external() {
            return url != null && !url.isBlank();
        }
    }

    /** The embedded PostgreSQL used when no {@code nightshift.db.url} is set. */
    public record Embedded(@DefaultValue("54329") @Min(0) int port) {
    }

    /** Root of model artifacts, prediction tables and reports: a Hadoop file system URI, or a local path. */
    public record Warehouse(String uri) {
    }

    /**
     * How this orchestrator proves it is alive: it heartbeats every {@code heartbeatInterval}; a run whose owner has
     * not heartbeated for {@code lease} is stale and is marked failed so it can be restarted.
     */
    public record Instance(@DefaultValue("10s") @NotNull Duration heartbeatInterval, @DefaultValue("60s") @NotNull Duration lease) {
    }

    /**
     * Shutting down (SIGTERM, Ctrl-C): stop scheduling, give running steps {@code grace} to finish, then stop their
     * Spark JVMs so the steps fail and are recorded as failed; running the date again resumes at that step. A Spark JVM
     * still running {@code killAfter} after it was asked to stop (a local one by SIGTERM, a cluster application through
     * Spark's launcher handle) is killed (locally SIGKILL).
     */
    public record Shutdown(@DefaultValue("30s") @NotNull Duration grace, @DefaultValue("10s") @NotNull Duration killAfter) {
    }

    /** Scheduling: a fire later than {@code lateTolerance} counts as missed and follows the pipeline's misfire policy. */
    public record Schedule(@DefaultValue("10m") @NotNull Duration lateTolerance) {
    }

    /**
     * Where alerts go besides the log: a Slack-compatible incoming webhook ({@code webhookUrl}, empty for none). Each
     * request waits at most {@code timeout}; a failed one is retried {@code retries} times after {@code retryBackoff}
     * (doubling), so a dead webhook costs a run at most about (retries + 1) x timeout plus the backoffs.
     * {@code lateCheckInterval}: how often {@code serve} looks for nights past their spec's {@code schedule.deadline}.
     */
    public record Alerts(
            String webhookUrl,
            @DefaultValue("5s") @NotNull Duration timeout,
            @DefaultValue("2") @Min(0) @Max(10) int retries,
            @DefaultValue("1s") @NotNull Duration retryBackoff,
            @DefaultValue("1m") @NotNull Duration lateCheckInterval) {
        public boolean webhook() {
            return webhookUrl != null && !webhookUrl.isBlank();
        }
    }

    /**
     * The run log files ({@code HOME/logs/runs/run-<id>.log}): a file not written to for {@code retention} is deleted
     * when a later run starts; {@code 0} keeps them all.
     */
    public record Logs(@DefaultValue("90d") @NotNull Duration retention) {
    }

    /**
     * How Spark applications are submitted. A {@code local} master runs each job in a child JVM of the orchestrator;
     * any other master ({@code spark://}, {@code yarn}, {@code k8s://}) goes through {@code spark-submit} of
     * {@code sparkHome} (default: the one built in spark-jobs/target/spark-home) with {@code deployMode},
     * executor resources, {@code jars} (added to the Delta and JDBC jars the jobs need) and {@code conf};
     * {@code pipelines.NAME.conf} and {@code .jars} add to them for one pipeline's applications.
     * {@code classDataSharing}: where local Spark JVMs keep their class-data sharing archives (default
     * {@code HOME/cds}; {@code off} turns them off). {@code scratchDir}: the root of the scratch folders of the Spark JVMs
     * on this host (local masters, client-mode drivers), one per application run, deleted when it ends (default {@code <java.io.tmpdir>/nightshift-spark-<user>}).
     */
    public record Spark(
            @DefaultValue("local[2]") @NotBlank String master,
            String jobsJar,
            String libDir,
            @DefaultValue("2g") @NotBlank String driverMemory,
            @DefaultValue List<String> javaOptions,
            @DefaultValue("30m") @NotNull Duration timeout,
            @DefaultValue Map<String, String> conf,
            @DefaultValue("1") @Min(0) int retries,
            @DefaultValue("15s") @NotNull Duration retryBackoff,
            @DefaultValue("client") @NotBlank String deployMode,
            String sparkHome,
            String executorMemory,
            @Min(1) Integer executorCores,
            @Min(1) Integer totalExecutorCores,
            @DefaultValue List<String> jars,
            @DefaultValue Map<String, PipelineSpark> pipelines,
            String classDataSharing,
            String scratchDir) {

        public boolean local() {
            return master.equals("local") || master.startsWith("local[");
        }
    }

    /** Spark settings of one pipeline's applications, on top of the global ones. */
    public record PipelineSpark(@DefaultValue Map<String, String> conf, @DefaultValue List<String> jars) {
    }
}
