package dev.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkScratchTest {
    @TempDir
    Path dir;

    @Test
    void aSweepRemovesTheFoldersOfJvmsThatAreGoneAndKeepsLiveOnesAndLaunchesInProgress() throws Exception {
        SparkScratch scratch = new SparkScratch(dir.resolve("scratch"));
        Path live = scratch.create("night-live");
        SparkScratch.claim(live, ProcessHandle.current());
        Files.writeString(live.resolve("block"), "x".repeat(1000));

        Process exited = new ProcessBuilder("true").start();
        assertThat(exited.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path gone = scratch.create("night-gone");
        SparkScratch.claim(gone, exited.toHandle());
        Files.createDirectories(gone.resolve("blockmgr-1/0c"));
        Files.writeString(gone.resolve("blockmgr-1/0c/shuffle_0_0_0.data"), "y".repeat(5000));

        // a live pid that started at another time than the claim says is a reused pid, not the JVM
        Path reused = scratch.create("night-reused");
        Files.writeString(reused.resolve(SparkScratch.OWNER), ProcessHandle.current().pid() + " 1\n");

        Path launching = scratch.create("night-launching");   // not claimed yet: its JVM is being started
        Path abandoned = scratch.create("night-abandoned");   // never claimed, and older than a launch takes
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(SparkScratch.UNCLAIMED).minus(Duration.ofMinutes(1))));
        Path torn = scratch.create("night-torn");             // not a claim (pid and start time)
        Files.writeString(torn.resolve(SparkScratch.OWNER), "12");
        Files.writeString(dir.resolve("scratch/stray-file"), "not a folder");

        SparkScratch.Sweep sweep = scratch.sweep();

        assertThat(sweep.failures()).isEmpty();
        assertThat(sweep.removed()).isEqualTo(4);
        assertThat(sweep.bytes()).isGreaterThanOrEqualTo(5000);
        assertThat(live).isDirectory();
        assertThat(live.resolve("block")).exists();
        assertThat(launching).isDirectory();
        assertThat(gone).doesNotExist();
        assertThat(reused).doesNotExist();
        assertThat(abandoned).doesNotExist();
        assertThat(torn).doesNotExist();
        assertThat(dir.resolve("scratch/stray-file")).exists();
    }

    @Test
    void aFolderIsKeptWhileTheChildThatClaimedItLivesAndRemovedOnceItIsGone() throws Exception {
        SparkScratch scratch = new SparkScratch(dir.resolve("scratch"));
        Process child = new ProcessBuilder("sleep", "60").start();
        try {
            Path folder = scratch.create("night");
            SparkScratch.claim(folder, child.toHandle());

            assertThat(scratch.sweep().removed()).isZero();
            assertThat(folder).isDirectory();

            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(scratch.sweep().removed()).isEqualTo(1);
            assertThat(folder).doesNotExist();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void foldersAndTheirRootAreReadableByTheirOwnerOnly() throws Exception {
        SparkScratch scratch = new SparkScratch(dir.resolve("a/b/scratch"));
        Path folder = scratch.create("score/churn 2026-11-01");

        assertThat(folder.getParent()).isEqualTo(dir.resolve("a/b/scratch"));
        assertThat(folder.getFileName().toString()).matches("score_churn_2026-11-01-[0-9a-f]{8}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(scratch.root()))).isEqualTo("rwx------");
        assertThat(scratch.create("score/churn 2026-11-01")).isNotEqualTo(folder);
    }

    @Test
    void deleteRemovesAFolderWithEverythingInItAndToleratesOneAlreadyGone() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("f/spark-1/userFiles"));
        Files.writeString(folder.resolve("a"), "abc");
        Files.writeString(dir.resolve("f/error"), "boom");

        assertThat(SparkScratch.delete(dir.resolve("f"))).isEqualTo(7);
        assertThat(dir.resolve("f")).doesNotExist();
        assertThat(SparkScratch.delete(dir.resolve("f"))).isZero();
    }

    @Test
    void aSweepOfARootThatDoesNotExistYetRemovesNothing() {
        assertThat(new SparkScratch(dir.resolve("none")).sweep()).isEqualTo(new SparkScratch.Sweep(0, 0, java.util.List.of()));
    }
}
