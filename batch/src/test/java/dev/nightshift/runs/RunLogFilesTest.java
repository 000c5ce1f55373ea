package dev.nightshift.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class RunLogFilesTest {
    private static final Logger log = LoggerFactory.getLogger("dev.nightshift.runs.RunLogFilesTest");
    private static final Logger spark = LoggerFactory.getLogger("spark.nightshift-night");

    @Test
    void eachRunsLinesGoToItsOwnFileAndLinesOutsideARunGoNowhere(@TempDir Path home) throws Exception {
        RunLogFiles files = new RunLogFiles(home.resolve("logs/runs"), Duration.ofDays(90));
        try {
            log.info("before any run");
            try (RunLogContext ignored = RunLogContext.open("churn", 41, LocalDate.of(2026, 11, 2))) {
                log.info("scoring churn");
                // a thread the run starts (the Spark output pump) carries the run's context
                var pump = Executors.newSingleThreadExecutor();
                pump.submit(RunLogContext.propagate(() -> spark.info("Stage 3 finished: 5000 rows"))).get(10, TimeUnit.SECONDS);
                pump.shutdown();
                try (RunLogContext inner = RunLogContext.open("fraud", 42, LocalDate.of(2026, 11, 2))) {
                    log.warn("fraud night", new IllegalStateException("outer", new IOException("disk full")));
                }
                log.info("churn again");
            }
            log.info("after the run");

            assertThat(files.existing(41)).contains(files.file(41));
            String churn = Files.readString(files.file(41));
            assertThat(churn.lines()).hasSize(3);
            assertThat(churn).contains("INFO  dev.nightshift.runs.RunLogFilesTest: scoring churn")
                    .contains("spark.nightshift-night: Stage 3 finished: 5000 rows").contains("churn again")
                    .doesNotContain("fraud").doesNotContain("before any run").doesNotContain("after the run");
            String fraud = Files.readString(files.file(42));
            assertThat(fraud).containsPattern("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN ").contains("WARN  dev.nightshift.runs.RunLogFilesTest: fraud night")
                    .contains("java.lang.IllegalStateException: outer").contains("Caused by: java.io.IOException: disk full")
                    .contains("\tat ");
            assertThat(files.existing(43)).isEmpty();
        } finally {
            files.destroy();
        }
        try (RunLogContext ignored = RunLogContext.open("churn", 41, LocalDate.of(2026, 11, 2))) {
            log.info("after the files were closed");
        }
        assertThat(Files.readString(files.file(41))).doesNotContain("after the files were closed");
    }

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    private static Path write(Path dir, String name, Duration age) throws IOException {
        Files.createDirectories(dir);
        Path f = Files.writeString(dir.resolve(name), "line\n");
        Files.setLastModifiedTime(f, FileTime.from(NOW.minus(age)));
        return f;
    }

    @Test
    void pruneDeletesTheFilesOfRunsNotWrittenToForTheRetentionAndNothingElse(@TempDir Path home) throws Exception {
        Path dir = home.resolve("logs/runs");
        Path old = write(dir, "run-7.log", Duration.ofDays(90).plusMinutes(1));
        Path older = write(dir, "run-3.log", Duration.ofDays(400));
        Path recent = write(dir, "run-8.log", Duration.ofDays(90).minusMinutes(1));
        Path notARun = write(dir, "run-x.log", Duration.ofDays(400));
        Path other = write(dir, "notes.txt", Duration.ofDays(400));
        RunLogFiles files = new RunLogFiles(dir, Duration.ofDays(90));
        try {
            RunLogFiles.Pruned pruned = files.prune(NOW);

            assertThat(pruned.runs()).containsExactly(3L, 7L);
            assertThat(pruned.summary(Duration.ofDays(90)))
                    .contains("removed the log files of 2 run(s) (run ids 3..7) not written to for 90 days (nightshift.logs.retention)");
            assertThat(pruned.failures()).isEmpty();
            assertThat(old).doesNotExist();
            assertThat(older).doesNotExist();
            assertThat(recent).exists();
            assertThat(notARun).exists();
            assertThat(other).exists();
            assertThat(files.prune(NOW).summary(Duration.ofDays(90))).isEmpty();
        } finally {
            files.destroy();
        }
    }

    @Test
    void theFileOfARunLoggingNowIsKeptHoweverOldAndZeroRetentionKeepsEverything(@TempDir Path home) throws Exception {
        Path dir = home.resolve("logs/runs");
        RunLogFiles files = new RunLogFiles(dir, Duration.ofDays(1));
        try {
            try (RunLogContext ignored = RunLogContext.open("churn", 41, LocalDate.of(2026, 11, 2))) {
                log.info("a long quiet step begins");
            }
            Files.setLastModifiedTime(files.file(41), FileTime.from(NOW.minus(Duration.ofDays(30))));
            Path old = write(dir, "run-40.log", Duration.ofDays(30));

            assertThat(files.prune(NOW).runs()).containsExactly(40L);
            assertThat(files.file(41)).exists();
            assertThat(old).doesNotExist();
        } finally {
            files.destroy();
        }
        RunLogFiles keepAll = new RunLogFiles(dir, Duration.ZERO);
        try {
            assertThat(keepAll.prune(NOW).runs()).isEmpty();
            assertThat(keepAll.file(41)).exists();
        } finally {
            keepAll.destroy();
        }
    }

    @Test
    void aNegativeRetentionIsRefusedNamingTheSetting(@TempDir Path home) {
        assertThatThrownBy(() -> new RunLogFiles(home, Duration.ofDays(-1)))
                .hasMessageContaining("nightshift.logs.retention must be 0 (keep every run log file) or a positive duration");
    }

    @Test
    void aRetentionIsDescribedAsItsSettingWouldSayIt() {
        assertThat(RunLogFiles.describe(Duration.ofDays(90))).isEqualTo("90 days");
        assertThat(RunLogFiles.describe(Duration.ofDays(1))).isEqualTo("1 day");
        assertThat(RunLogFiles.describe(Duration.ofHours(36))).isEqualTo("36 hours");
        assertThat(RunLogFiles.describe(Duration.ofMinutes(90))).isEqualTo("PT1H30M");
    }

    @Test
    void aResetOfTheLoggingContextDoesNotStopTheFiles(@TempDir Path home) throws Exception {
        // a logging context of its own, as another application context of the JVM would reset the shared one
        ch.qos.logback.classic.LoggerContext logging = new ch.qos.logback.classic.LoggerContext();
        logging.setMDCAdapter(((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory()).getMDCAdapter());
        logging.start();
        Logger logger = logging.getLogger("dev.nightshift.runs.RunLogFilesTest");
        RunLogFiles files = new RunLogFiles(home.resolve("logs/runs"), Duration.ofDays(90), logging);
        try {
            try (RunLogContext ignored = RunLogContext.open("churn", 51, LocalDate.of(2026, 11, 2))) {
                logger.info("before the reset");
                logging.reset();
                logger.info("after the reset");
                logging.reset();
                logger.info("after a second reset");
                // as Spring Boot initializes logging: stop (which also removes every context listener), then reset
                logging.stop();
                logging.reset();
                logging.start();
                logger.info("lost: nothing is attached until the next run starts");
                files.ensureAttached();
                logger.info("after the next run's start");
            }
            assertThat(Files.readString(files.file(51)).lines()).hasSize(4).last().asString().endsWith("after the next run's start");
        } finally {
            files.destroy();
        }
        logging.reset();
        try (RunLogContext ignored = RunLogContext.open("churn", 51, LocalDate.of(2026, 11, 2))) {
            logger.info("once the files are closed");
        }
        assertThat(Files.readString(files.file(51))).doesNotContain("once the files are closed");
    }
}
