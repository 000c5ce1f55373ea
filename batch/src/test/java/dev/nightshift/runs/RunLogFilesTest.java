package dev.nightshift.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
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
        RunLogFiles files = new RunLogFiles(home.resolve("logs/runs"));
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
}
