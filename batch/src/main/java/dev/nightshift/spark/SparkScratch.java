package dev.nightshift.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scratch folders of local Spark JVMs, and of the drivers a cluster master runs on this host in client mode
 * ({@link ClusterSparkSubmitter}, which claims them for the orchestrator's own process). Spark keeps its block manager's files (shuffle output, spilled and cached
 * blocks) under {@code spark.local.dir}, {@code /tmp} by default, and deletes them in its shutdown hooks, so a JVM that
 * is killed (SIGKILL after a timeout or a shutdown's wait, or halting because its orchestrator is gone) leaves them
 * behind, gigabytes after a large night, readable by whoever the umask lets. Here each application gets a folder of its
 * own, readable by its owner only: Spark's local directory, the JVM's temporary directory and the job's error file. The
 * submitter deletes it once the JVM has exited, whatever the outcome; an orchestrator deletes the folders
 * of JVMs that are gone ({@link #sweep}, as it starts and before each submission), such as the children of an
 * orchestrator killed with them.
 *
 * <p>A folder is claimed by the JVM that uses it (an {@value #OWNER} file: its pid and start time, so a reused pid is
 * not taken for it). A folder not claimed yet belongs to a launch in progress, unless it is older than
 * {@link #UNCLAIMED}. Several orchestrators (and users' runs of the CLI) may share a root: each keeps what is alive.
 */
final class SparkScratch {
    private static final Logger log = LoggerFactory.getLogger(SparkScratch.class);
    static final String OWNER = "owner";
    /** A folder left unclaimed this long was made by a launch that never started its JVM. */
    static final Duration UNCLAIMED = Duration.ofMinutes(10);

    private final Path root;

    SparkScratch(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** {@code <java.io.tmpdir>/nightshift-spark-<user>}: where Spark's own folders would go, one root per user. */
    static Path defaultRoot() {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "nightshift-spark-" + user);
    }

    /** The root {@code nightshift.spark.scratch-dir} names, or {@link #defaultRoot()}. */
    static Path root(dev.nightshift.config.NightshiftProperties.Spark settings) {
        return settings.scratchDir() == null || settings.scratchDir().isBlank() ? defaultRoot() : Path.of(settings.scratchDir());
    }

    Path root() {
        return root;
    }

    /** Creates the root (owner-only) if it is missing; fails naming it when it cannot. */
    void prepare() {
        try {
            createPrivateDirectory(root);
        } catch (IOException e) {
            throw new IllegalStateException("nightshift.spark.scratch-dir: cannot create " + root + " (" + e + ")", e);
        }
        if (!Files.isDirectory(root) || !Files.isWritable(root)) {
            throw new IllegalStateException("nightshift.spark.scratch-dir: " + root + " is not a writable folder");
        }
    }

    /** A new folder, readable by its owner only, for one run of {@code appName}. */
    Path create(String appName) throws IOException {
        prepare();
        String name = appName.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path folder = root.resolve(name);
        Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return folder;
    }

    /** Marks {@code folder} as used by {@code process}, kept while it lives; a sweep never sees half a claim. */
    static void claim(Path folder, ProcessHandle process) throws IOException {
        String started = process.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("-");
        Path written = Files.writeString(folder.resolve(OWNER + ".tmp"), process.pid() + " " + started + "\n", StandardCharsets.UTF_8);
        Files.move(written, folder.resolve(OWNER), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes {@code folder} and everything in it; returns the bytes freed. */
    static long delete(Path folder) throws IOException {
        AtomicLong bytes = new AtomicLong();
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    bytes.addAndGet(attrs.size());
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        }
        return bytes.get();
    }

    /** Deletes the folder of a run whose JVM has exited; one it cannot delete is left to the next sweep, with a warning. */
    static void discard(Path folder, String appName) {
        try {
            delete(folder);
        } catch (IOException e) {
            log.warn("scratch folder {} of {} not deleted, the next sweep removes it: {}", folder, appName, e.toString());
        }
    }

    /** What a {@link #sweep} removed, and what it could not remove (folder and reason). */
    record Sweep(int removed, long bytes, List<String> failures) {
    }

    /** {@link #sweep()}, logging what it removed and what it could not; returns how many folders it removed. */
    int sweepAndLog() {
        Sweep sweep = sweep();
        if (sweep.removed() > 0) {
            log.info("removed {} scratch folder(s) of Spark JVMs that are gone ({} MB) from {}", sweep.removed(),
                    sweep.bytes() / (1024 * 1024), root);
        }
        for (String failure : sweep.failures()) {
            log.warn("scratch folder not removed, the next submission or start tries again: {}", failure);
        }
        return sweep.removed();
    }

    /** Deletes the folders of JVMs that are gone; keeps those of live JVMs and of launches in progress. */
    Sweep sweep() {
        if (!Files.isDirectory(root)) {
            return new Sweep(0, 0, List.of());
        }
        int removed = 0;
        long bytes = 0;
        List<String> failures = new ArrayList<>();
        Instant unclaimedBefore = Instant.now().minus(UNCLAIMED);
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path folder : folders) {
                try {
                    if (inUse(folder, unclaimedBefore)) {
                        continue;
                    }
                    bytes += delete(folder);
                    removed++;
                } catch (IOException | RuntimeException e) {
                    failures.add(folder + ": " + e);
                }
            }
        } catch (IOException e) {
            failures.add(root + ": " + e);
        }
        return new Sweep(removed, bytes, List.copyOf(failures));
    }

    private static boolean inUse(Path folder, Instant unclaimedBefore) throws IOException {
        Path owner = folder.resolve(OWNER);
        if (!Files.exists(owner)) {
            return Files.getLastModifiedTime(folder).toInstant().isAfter(unclaimedBefore);
        }
        String[] parts = Files.readString(owner, StandardCharsets.UTF_8).trim().split(" ");
        if (parts.length != 2) {
            return false;   // not a claim this class writes
        }
        long pid;
        try {
            pid = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        Optional<Instant> started = process.get().info().startInstant();
        return "-".equals(parts[1]) || started.isEmpty() || Long.toString(started.get().toEpochMilli()).equals(parts[1]);
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getParent() != null) {
            Files.createDirectories(dir.getParent());
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }
}
