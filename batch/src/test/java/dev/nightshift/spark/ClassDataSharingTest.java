package dev.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which archive a launch writes or maps, and when it is published. No JVM is started here. */
class ClassDataSharingTest {
    @TempDir
    Path dir;
    SparkClasspath classpath;
    Path cds;

    @BeforeEach
    void jars() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.writeString(lib.resolve("a.jar"), "a");
        Files.writeString(lib.resolve("b.jar"), "b");
        classpath = new SparkClasspath(Files.writeString(dir.resolve("jobs.jar"), "jobs"), lib);
        cds = dir.resolve("cds");
    }

    @Test
    void theFirstLaunchWritesUnderATemporaryNameThatIsPublishedOnlyOnSuccess() throws Exception {
        ClassDataSharing sharing = ClassDataSharing.in(cds);
        ClassDataSharing.Plan first = sharing.plan("x.NightJob", classpath, List.of());
        Path written = first.written().orElseThrow();
        assertThat(first.jvmOptions()).contains("-XX:ArchiveClassesAtExit=" + written);

        Files.writeString(written, "archive");   // what the JVM would write at exit
        sharing.finish(first, false, false);   // the job reported its own error: try again next time
        assertThat(written).doesNotExist();
        assertThat(first.target().orElseThrow()).doesNotExist();

        ClassDataSharing.Plan again = sharing.plan("x.NightJob", classpath, List.of());
        Files.writeString(again.written().orElseThrow(), "archive");
        sharing.finish(again, true, false);
        Path archive = again.target().orElseThrow();
        assertThat(archive).hasContent("archive");
        assertThat(archive.getFileName().toString()).startsWith("NightJob-").endsWith(".jsa");

        assertThat(sharing.plan("x.NightJob", classpath, List.of()).jvmOptions()).containsExactly("-XX:SharedArchiveFile=" + archive);
        assertThat(sharing.plan("x.TrainJob", classpath, List.of()).written()).isPresent();
    }

    @Test
    void anOccasionalJobNeverWritesAnArchiveAndMapsTheNightJobsOnceThereIsOne() throws Exception {
        ClassDataSharing sharing = ClassDataSharing.in(cds);
        assertThat(sharing.plan("x.ImportJob", classpath, List.of())).isEqualTo(ClassDataSharing.Plan.NONE);

        ClassDataSharing.Plan night = sharing.plan("x.NightJob", classpath, List.of());
        Files.writeString(night.written().orElseThrow(), "archive");
        sharing.finish(night, true, false);
        Path archive = night.target().orElseThrow();

        assertThat(sharing.plan("x.ImportJob", classpath, List.of()).jvmOptions()).containsExactly("-XX:SharedArchiveFile=" + archive);
        assertThat(sharing.plan("x.ForgetJob", classpath, List.of()).written()).isEmpty();
        // other JVM options: another digest, whose night archive does not exist yet
        assertThat(sharing.plan("x.ImportJob", classpath, List.of("-XX:+UseSerialGC"))).isEqualTo(ClassDataSharing.Plan.NONE);
        // the night's archive turned off: not borrowed either
        Files.writeString(archive.resolveSibling(archive.getFileName().toString().replace(".jsa", ".off")), "off");
        assertThat(sharing.plan("x.ImportJob", classpath, List.of())).isEqualTo(ClassDataSharing.Plan.NONE);
    }

    @Test
    void whileOneLaunchWritesAnArchiveAnotherRunsWithoutOneUnlessTheLockIsStale() throws Exception {
        ClassDataSharing sharing = ClassDataSharing.in(cds);
        ClassDataSharing.Plan writer = sharing.plan("x.NightJob", classpath, List.of());

        assertThat(sharing.plan("x.NightJob", classpath, List.of()).jvmOptions()).isEmpty();

        Files.setLastModifiedTime(writer.lock().orElseThrow(), FileTime.from(Instant.now().minusSeconds(3600)));
        assertThat(sharing.plan("x.NightJob", classpath, List.of()).written()).isPresent();
    }

    @Test
    void aChangedJarOrOtherJvmOptionsNameAnotherArchive() throws Exception {
        String before = ClassDataSharing.digest(classpath, List.of("-XX:+UseSerialGC"));

        assertThat(ClassDataSharing.digest(classpath, List.of("-XX:+UseSerialGC"))).isEqualTo(before);
        assertThat(ClassDataSharing.digest(classpath, List.of("-XX:+UseG1GC"))).isNotEqualTo(before);
        Files.writeString(classpath.libDir().resolve("b.jar"), "b, rebuilt");
        assertThat(ClassDataSharing.digest(classpath, List.of("-XX:+UseSerialGC"))).isNotEqualTo(before);
    }

    @Test
    void aWriterThatDiedWithoutAnErrorOfItsOwnTurnsThatArchiveOff() throws Exception {
        ClassDataSharing sharing = ClassDataSharing.in(cds);
        ClassDataSharing.Plan crashed = sharing.plan("x.NightJob", classpath, List.of());

        sharing.finish(crashed, false, true);

        assertThat(sharing.plan("x.NightJob", classpath, List.of()).jvmOptions()).isEmpty();
        assertThat(sharing.plan("x.TrainJob", classpath, List.of()).written()).isPresent();
    }

    @Test
    void offAddsNothing() {
        assertThat(ClassDataSharing.off().plan("x.NightJob", classpath, List.of()).jvmOptions()).isEmpty();
        assertThat(cds).doesNotExist();
    }
}
