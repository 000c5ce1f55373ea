package dev.nightshift.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Application class-data sharing (AppCDS) for the local Spark JVMs. A Spark application loads some 25,000 classes
 * before it does any work; parsing and verifying them is a large share of a short night's CPU time. The first
 * successful run of each job class that runs often ({@link #OWN_ARCHIVE}) writes a dynamic archive of the classes it
 * loaded ({@code -XX:ArchiveClassesAtExit}); later runs of that job map it ({@code -XX:SharedArchiveFile}). Other jobs
 * map the night job's archive (a dynamic archive is checked against the classpath and JVM options, not the main class).
 *
 * <p>An archive is named by the job class and a digest of everything the JVM checks it against (the Java runtime, the
 * jobs jar and every library jar with size and modification time, the JVM options), so a rebuilt jar or another JDK
 * simply starts a new archive. One JVM at a time writes an archive (a lock file); it writes to a temporary name that is
 * moved into place only after the application succeeded, so a reader never maps a half-written file. The JVM itself
 * refuses an archive that does not match and runs without it. A writing JVM that dies without the job reporting an
 * error (the dump at exit could be what killed it) leaves a {@code .off} marker: that archive is never tried again, so
 * a retry of the step runs without class-data sharing.
 */
final class ClassDataSharing {
    private static final Logger log = LoggerFactory.getLogger(ClassDataSharing.class);
    /** A writer that left its lock this long ago is presumed dead (the longest dump seen takes well under a minute). */
    private static final Duration STALE_LOCK = Duration.ofMinutes(30);

    /**
     * The jobs that get an archive of their own: those that run every night (scoring, training) and the data generator
     * (the demo runs it twice in a row). The others (import and forget, a few times a year; score, evaluate or drift
     * only when someone submits them on their own) would pay a dump of their own (120-190 MB) for few later runs, so
     * they map the night job's archive, which holds most of their classes (Spark SQL, Delta, MLlib, JDBC), and load
     * the rest from the jars.
     */
    static final Set<String> OWN_ARCHIVE = Set.of("NightJob", "TrainJob", "GenerateDataJob");
    private static final String LENDER = "NightJob";

    private final Path dir;

    private ClassDataSharing(Path dir) {
        this.dir = dir;
    }

    /** Archives under {@code dir}; {@code null} turns class-data sharing off. */
    static ClassDataSharing in(Path dir) {
        return new ClassDataSharing(dir);
    }

    static ClassDataSharing off() {
        return new ClassDataSharing(null);
    }

    boolean enabled() {
        return dir != null;
    }

    /** What one launch does with its archive: the JVM options to add, and the archive to publish if it succeeds. */
    record Plan(List<String> jvmOptions, Optional<Path> written, Optional<Path> target, Optional<Path> lock) {
        static final Plan NONE = new Plan(List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Plans the launch of {@code mainClass} with {@code classpath} and the JVM options it will run with. */
    Plan plan(String mainClass, SparkClasspath classpath, List<String> jvmOptions) {
        if (dir == null) {
            return Plan.NONE;
        }
        try {
            Files.createDirectories(dir);
            String job = mainClass.substring(mainClass.lastIndexOf('.') + 1);
            String digest = digest(classpath, jvmOptions);
            if (!OWN_ARCHIVE.contains(job)) {
                return borrowed(digest);
            }
            String name = job + "-" + digest;
            Path archive = dir.resolve(name + ".jsa");
            if (Files.exists(dir.resolve(name + ".off"))) {
                return Plan.NONE;
            }
            if (Files.isRegularFile(archive)) {
                return new Plan(List.of("-XX:SharedArchiveFile=" + archive), Optional.empty(), Optional.empty(), Optional.empty());
            }
            Path lock = dir.resolve(name + ".lock");
            if (!takeLock(lock)) {
                return Plan.NONE;   // another JVM is writing this archive; run without one
            }
            Path written = dir.resolve(name + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".tmp");
            // The dump lists every class it cannot archive (generated, from signed jars) as a warning: hundreds of lines.
            return new Plan(List.of("-XX:ArchiveClassesAtExit=" + written, "-Xlog:cds*=error"), Optional.of(written), Optional.of(archive), Optional.of(lock));
        } catch (IOException e) {
            // The archive only saves start-up time: a folder that cannot be written costs speed, not the run.
            log.warn("class-data sharing is off for {}: cannot prepare {} ({})", mainClass, dir, e.toString());
            return Plan.NONE;
        }
    }

    /**
     * An occasional job maps the archive of the night's job when there is one (and it is not turned off), and never
     * writes one of its own.
     */
    private Plan borrowed(String digest) {
        String name = LENDER + "-" + digest;
        Path archive = dir.resolve(name + ".jsa");
        if (Files.isRegularFile(archive) && !Files.exists(dir.resolve(name + ".off"))) {
            return new Plan(List.of("-XX:SharedArchiveFile=" + archive), Optional.empty(), Optional.empty(), Optional.empty());
        }
        return Plan.NONE;
    }

    /**
     * After the launch: publishes a written archive if the application succeeded, and cleans up otherwise.
     * {@code unexplained}: the JVM failed without the job reporting an error of its own.
     */
    void finish(Plan plan, boolean succeeded, boolean unexplained) {
        try {
            if (plan.written().isPresent()) {
                Path written = plan.written().get();
                Path target = plan.target().orElseThrow();
                if (succeeded && Files.isRegularFile(written) && Files.size(written) > 0) {
                    Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    log.info("class-data sharing archive {} written", target.getFileName());
                } else {
                    Files.deleteIfExists(written);
                }
                if (!succeeded && unexplained) {
                    String name = target.getFileName().toString().replaceFirst("\\.jsa$", "");
                    Files.writeString(target.resolveSibling(name + ".off"), "a JVM writing this archive failed without an error of its own\n");
                    log.warn("class-data sharing is off for {}: the JVM writing its archive failed without an error of its own", name);
                }
            }
            if (plan.lock().isPresent()) {
                Files.deleteIfExists(plan.lock().get());
            }
        } catch (IOException e) {
            log.warn("class-data sharing archive {} not published: {}", plan.target().orElse(null), e.toString());
        }
    }

    private static boolean takeLock(Path lock) throws IOException {
        try {
            Files.createFile(lock);
            return true;
        } catch (FileAlreadyExistsException e) {
            FileTime taken = Files.getLastModifiedTime(lock);
            if (taken.toInstant().isBefore(Instant.now().minus(STALE_LOCK))) {
                Files.deleteIfExists(lock);
                return takeLock(lock);
            }
            return false;
        }
    }

    static String digest(SparkClasspath classpath, List<String> jvmOptions) throws IOException {
        List<String> parts = new ArrayList<>();
        parts.add(System.getProperty("java.home"));
        parts.add(System.getProperty("java.vm.version"));
        parts.add(describe(classpath.jobsJar()));
        TreeMap<String, String> jars = new TreeMap<>();
        try (DirectoryStream<Path> lib = Files.newDirectoryStream(classpath.libDir())) {
            for (Path jar : lib) {
                jars.put(jar.getFileName().toString(), describe(jar));
            }
        }
        parts.addAll(jars.values());
        parts.addAll(jvmOptions);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String describe(Path file) throws IOException {
        Path real = file.toRealPath();
        return real + ":" + Files.size(real) + ":" + Files.getLastModifiedTime(real).toMillis();
    }
}
