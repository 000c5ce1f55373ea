package dev.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.database.DatabaseEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The child-JVM submitter against the real spark-jobs jar: success, the job's own error, and a timeout. */
class LocalSparkSubmitterIT {
    private static final DatabaseEndpoint NO_DATABASE = new DatabaseEndpoint("jdbc:postgresql://127.0.0.1:1/none", "nobody", "secret-pw", false);

    /** The test Spark JVMs' options (C1 only, serial collector: see IntegrationTest), with {@code -Xshare:on} added where asked. */
    private static final List<String> SMALL_DATA = List.of(dev.nightshift.IntegrationTest.SMALL_DATA_JVM.split(","));

    @TempDir
    Path scratch;

    private LocalSparkSubmitter submitter;

    @BeforeEach
    void submitter() {
        submitter = new LocalSparkSubmitter(new SparkClasspath(Path.of(System.getProperty("nightshift.spark.jobs-jar")),
                Path.of(System.getProperty("nightshift.spark.lib-dir"))), "local[2]", "1g", SMALL_DATA, Map.of(), NO_DATABASE, "test", null, scratch);
    }

    @Test
    void runsAJobInAChildJvmAndItsOutputIsThere(@TempDir Path dir) throws Exception {
        GenerateDataArgs args = new GenerateDataArgs("churn", dir.toUri().toString(), LocalDate.of(2026, 11, 1),
                LocalDate.of(2026, 11, 2), 50, 7, null, 0, 0, 7);

        SparkResult result = submitter.submit(new SparkApplication("generate", GenerateDataArgs.JOB_CLASS, args.toArgs(), Duration.ofMinutes(5)));

        assertThat(result.exitCode()).isZero();
        try (Stream<Path> files = Files.walk(dir.resolve("input/churn"))) {
            assertThat(files.map(Path::toString).filter(p -> p.endsWith(".parquet")).toList()).isNotEmpty();
        }
        assertThat(dir.resolve("input/churn/event_date=2026-11-02")).isDirectory();
        // the JVM's scratch folder (Spark's local directory, its temporary files) went with it
        assertThat(scratch).isEmptyDirectory();
    }

    @Test
    void theFirstRunOfAJobWritesAClassDataSharingArchiveThatTheNextRunMapsAndAnOccasionalJobMapsTheNightJobs(@TempDir Path dir)
            throws Exception {
        Path cds = dir.resolve("cds");
        // -Xshare:on makes a JVM that cannot map its archive fail to start instead of running without it.
        List<String> options = new java.util.ArrayList<>(List.of("-Xshare:on"));
        options.addAll(SMALL_DATA);
        LocalSparkSubmitter sharing = new LocalSparkSubmitter(submitter.classpath(), "local[2]", "1g", options, Map.of(), NO_DATABASE, "test", cds);
        // an occasional job (ForgetJob, here with an argument it refuses) writes no archive of its own
        SparkApplication forget = new SparkApplication("forget-bad", dev.nightshift.contract.ForgetArgs.JOB_CLASS, List.of("no-such-option"),
                Duration.ofMinutes(5));
        assertThatThrownBy(() -> sharing.submit(forget)).isInstanceOf(SparkJobFailedException.class);
        assertThat(cds).isEmptyDirectory();
        GenerateDataArgs args = new GenerateDataArgs("churn", dir.resolve("w").toUri().toString(), LocalDate.of(2026, 11, 1),
                LocalDate.of(2026, 11, 1), 20, 7, null, 0, 0, 7);
        SparkApplication app = new SparkApplication("generate", GenerateDataArgs.JOB_CLASS, args.toArgs(), Duration.ofMinutes(5));

        sharing.submit(app);
        List<Path> written;
        try (Stream<Path> files = Files.list(cds)) {
            written = files.toList();
        }
        assertThat(written).singleElement().satisfies(p -> {
            assertThat(p.getFileName().toString()).startsWith("GenerateDataJob-").endsWith(".jsa");
            assertThat(Files.size(p)).isGreaterThan(10_000_000L);   // thousands of Spark classes, not an empty file
        });

        List<String> second = new java.util.ArrayList<>();
        ClassDataSharing.Plan plan = ClassDataSharing.in(cds).plan(GenerateDataArgs.JOB_CLASS, submitter.classpath(), options);
        second.addAll(plan.jvmOptions());
        assertThat(second).containsExactly("-XX:SharedArchiveFile=" + written.get(0));
        assertThat(sharing.submit(app).exitCode()).isZero();

        // the same archive under the night job's name, as the night's first run leaves one (an archive is checked
        // against the classpath and the JVM options, not the main class): the occasional job maps it
        Path night = Files.createLink(written.get(0).resolveSibling(written.get(0).getFileName().toString()
                .replace("GenerateDataJob-", "NightJob-")), written.get(0));
        ClassDataSharing.Plan borrowed = ClassDataSharing.in(cds).plan(dev.nightshift.contract.ForgetArgs.JOB_CLASS, submitter.classpath(), options);
        assertThat(borrowed.jvmOptions()).containsExactly("-XX:SharedArchiveFile=" + night);
        assertThat(borrowed.written()).isEmpty();
        // -Xshare:on: the JVM mapped the archive, or it would not have started and reached the job's own error
        assertThatThrownBy(() -> sharing.submit(forget)).isInstanceOf(SparkJobFailedException.class)
                .hasMessageContaining("ForgetJob: argument 'no-such-option' is not of the form --key=value");
        try (Stream<Path> files = Files.list(cds)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("ForgetJob"))).isEmpty();
        }
    }

    @Test
    void aFailingJobFailsWithTheJobsOwnError() throws Exception {
        // the folder of a JVM that is gone (a child of an orchestrator killed with it): the next submission removes it
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Path left = new SparkScratch(scratch).create("night-of-a-killed-orchestrator");
        SparkScratch.claim(left, gone.toHandle());
        SparkApplication bad = new SparkApplication("generate-bad", GenerateDataArgs.JOB_CLASS,
                List.of("--dataset=churn", "--output=/tmp/x", "--from=yesterday", "--to=2026-11-02"), Duration.ofMinutes(5));

        assertThatThrownBy(() -> submitter.submit(bad))
                .isInstanceOfSatisfying(SparkJobFailedException.class, e -> {
                    assertThat(e.exitCode()).isNotNull().isNotZero();
                    assertThat(e.timedOut()).isFalse();
                })
                .hasMessageContaining("--from must be an ISO date (yyyy-mm-dd), got 'yesterday'");
        assertThat(scratch).isEmptyDirectory();   // the dead JVM's folder swept; this job's error file read before its folder went
    }

    @Test
    void aJobThatOutlivesItsTimeoutIsKilled() {
        GenerateDataArgs args = new GenerateDataArgs("churn", "/tmp/nightshift-timeout-test", LocalDate.of(2026, 1, 1),
                LocalDate.of(2026, 12, 31), 100_000, 7, null, 0, 0, 7);

        assertThatThrownBy(() -> submitter.submit(new SparkApplication("slow", GenerateDataArgs.JOB_CLASS, args.toArgs(), Duration.ofSeconds(2))))
                .isInstanceOfSatisfying(SparkJobFailedException.class, e -> assertThat(e.timedOut()).isTrue())
                .hasMessageContaining("did not finish within PT2S and was killed");
        // killed, Spark's shutdown hooks did not run: the submitter removed what the JVM had in its folder
        assertThat(scratch).isEmptyDirectory();
    }

    @Test
    void aLocalDirInTheSparkConfIsRefusedNamingTheSettingThatReplacesIt() {
        assertThatThrownBy(() -> new LocalSparkSubmitter(submitter.classpath(), "local[2]", "1g", SMALL_DATA,
                Map.of("spark.local.dir", "/data/spark"), NO_DATABASE, "test", null, scratch))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nightshift.spark.conf.spark.local.dir").hasMessageContaining("nightshift.spark.scratch-dir");
    }

    @Test
    void credentialsAreNotOnTheCommandLine() {
        List<String> command = submitter.command(new SparkApplication("x", "Main", List.of("--a=b"), Duration.ofMinutes(1)));

        assertThat(String.join(" ", command)).doesNotContain("secret-pw").doesNotContain("nobody")
                .contains("org.apache.spark.deploy.SparkSubmit").contains("--add-opens=java.base/java.nio=ALL-UNNAMED")
                .contains("-Djava.io.tmpdir=" + scratch.toAbsolutePath().normalize());
    }
}
