package dev.nightshift.runs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import dev.nightshift.config.NightshiftProperties;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Keeps one log file per run: every log line written while a run's id is in the MDC ({@link RunLogContext}), its Spark
 * applications' output included (the submitter's output pump carries the run's MDC), is appended to
 * {@code <home>/logs/runs/run-<id>.log}, whatever the console shows (plain, JSON, or silenced by {@code --quiet}).
 * The dashboard's run page links to it. A file not written to for {@code nightshift.logs.retention} (default 90 days) is
 * deleted by {@link #prune} when a later run starts; a run of another home, one from before this file existed, or one
 * whose file was pruned has none.
 */
@Component
public class RunLogFiles implements DisposableBean {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    /** Runs of one orchestrator that log at once (runs of different pipelines); more only reopen their file. */
    private static final int OPEN_FILES = 16;

    private final Path directory;
    private final Duration retention;
    private final Appender appender = new Appender();
    private final Logger root;
    private final ReattachAfterReset reattach = new ReattachAfterReset();

    @Autowired
    public RunLogFiles(NightshiftProperties props) {
        this(props.home().resolve("logs").resolve("runs"), props.logs().retention());
    }

    /** Writes the files into {@code directory} (created on the first line); {@link #prune} keeps {@code retention}. */
    RunLogFiles(Path directory, Duration retention) {
        this(directory, retention, (LoggerContext) LoggerFactory.getILoggerFactory());
    }

    /** As above, appending to the root logger of {@code logging}. */
    RunLogFiles(Path directory, Duration retention, LoggerContext logging) {
        if (retention.isNegative()) {
            throw new IllegalArgumentException("nightshift.logs.retention must be 0 (keep every run log file) or a positive"
                    + " duration such as 90d, not " + retention);
        }
        this.directory = directory.toAbsolutePath().normalize();
        this.retention = retention;
        this.root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender.setContext(logging);
        appender.setName("nightshift-run-log-files");
        appender.start();
        root.addAppender(appender);
        logging.addListener(reattach);
    }

    /**
     * Attaches the appender again if the logging context dropped it (see {@link ReattachAfterReset}; a stop of the
     * context also removes that listener). Every run calls this as it starts.
     */
    public void ensureAttached() {
        if (!root.isAttached(appender)) {
            appender.start();
            root.addAppender(appender);
        }
    }

    /**
     * A reset of the logging context (another Spring application context of the same JVM initializing logging after one
     * closed, as in a test JVM, or a reconfiguration) detaches and stops every appender: without this, run log files
     * would silently stop being written for the life of the process. Spring Boot's initialization stops the context
     * before resetting it, which removes every listener: {@link #ensureAttached} covers that at the next run's start.
     */
    private final class ReattachAfterReset implements LoggerContextListener {
        @Override
        public boolean isResetResistant() {
            return true;
        }

        @Override
        public void onReset(LoggerContext context) {
            ensureAttached();
        }

        @Override
        public void onStart(LoggerContext context) {
        }

        @Override
        public void onStop(LoggerContext context) {
        }

        @Override
        public void onLevelChange(Logger logger, ch.qos.logback.classic.Level level) {
        }
    }

    /** How long a run log file is kept after its last line; zero: forever. */
    public Duration retention() {
        return retention;
    }

    /** A retention as its setting would say it: {@code 90 days}, {@code 12 hours}, else the ISO form. */
    public static String describe(Duration d) {
        if (d.toSecondsPart() == 0 && d.toNanosPart() == 0 && d.toMinutesPart() == 0) {
            return d.toHoursPart() == 0 ? d.toDays() + (d.toDays() == 1 ? " day" : " days")
                    : d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
        }
        return d.toString();
    }

    /** The file of run {@code runId}, whether or not it exists. */
    public Path file(long runId) {
        return directory.resolve("run-" + runId + ".log");
    }

    /** The run's log file if it has one. */
    public Optional<Path> existing(long runId) {
        Path f = file(runId);
        return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }

    /** What {@link #prune} deleted (the runs whose files went) and the files it could not delete, with why. */
    public record Pruned(List<Long> runs, Map<Path, String> failures) {
        /** The line a run logs about what it deleted, if it deleted anything. */
        public Optional<String> summary(Duration retention) {
            return runs.isEmpty() ? Optional.empty() : Optional.of("removed the log files of " + runs.size() + " run(s) (run ids "
                    + runs.get(0) + ".." + runs.get(runs.size() - 1) + ") not written to for " + describe(retention)
                    + " (nightshift.logs.retention)");
        }
    }

    /**
     * Deletes the run log files last written before {@code now} minus the retention, except those of runs logging in
     * this process now. A file that cannot be deleted is reported, not thrown: the run that prunes goes on either way.
     */
    public Pruned prune(Instant now) {
        List<Long> removed = new ArrayList<>();
        Map<Path, String> failures = new LinkedHashMap<>();
        if (retention.isZero() || !Files.isDirectory(directory)) {
            return new Pruned(removed, failures);
        }
        Instant cutoff = now.minus(retention);
        Set<String> logging = appender.openRuns();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "run-*.log")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String id = name.substring("run-".length(), name.length() - ".log".length());
                if (id.isEmpty() || !id.chars().allMatch(Character::isDigit) || logging.contains(id)) {
                    continue;
                }
                try {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff) && Files.deleteIfExists(f)) {
                        removed.add(Long.parseLong(id));
                    }
                } catch (IOException e) {
                    failures.put(f, e.toString());
                }
            }
        } catch (IOException e) {
            failures.put(directory, "cannot list the run log files: " + e);
        }
        removed.sort(null);
        return new Pruned(removed, failures);
    }

    @Override
    public void destroy() {
        root.getLoggerContext().removeListener(reattach);
        root.detachAppender(appender);
        appender.stop();
    }

    /** One line as written to the file: time, level, logger, message, then any exception with its causes. */
    static String format(ILoggingEvent e) {
        StringBuilder line = new StringBuilder(160).append(TIME.format(Instant.ofEpochMilli(e.getTimeStamp()))).append(' ')
                .append(String.format("%-5s", e.getLevel())).append(' ').append(e.getLoggerName()).append(": ")
                .append(e.getFormattedMessage()).append('\n');
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            line.append(t == e.getThrowableProxy() ? "" : "Caused by: ").append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
            StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
            for (int i = 0; i < Math.min(frames.length, 20); i++) {
                line.append("\tat ").append(frames[i].getStackTraceElement()).append('\n');
            }
        }
        return line.toString();
    }

    private final class Appender extends AppenderBase<ILoggingEvent> {
        /** Writers of the runs that logged last, least recently used first; AppenderBase serializes {@link #append}. */
        private final Map<String, BufferedWriter> open = new LinkedHashMap<>(OPEN_FILES, 0.75f, true);

        /** The runs whose files are open now (AppenderBase.doAppend holds this appender's lock while appending). */
        synchronized Set<String> openRuns() {
            return new HashSet<>(open.keySet());
        }

        @Override
        protected void append(ILoggingEvent event) {
            String runId = event.getMDCPropertyMap().get(RunLogContext.RUN_ID);
            if (runId == null || !runId.chars().allMatch(Character::isDigit) || runId.isEmpty()) {
                return;
            }
            try {
                BufferedWriter w = open.get(runId);
                if (w == null) {
                    if (open.size() >= OPEN_FILES) {
                        var eldest = open.entrySet().iterator().next();
                        eldest.getValue().close();
                        open.remove(eldest.getKey());
                    }
                    Files.createDirectories(directory);
                    w = Files.newBufferedWriter(file(Long.parseLong(runId)), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                    open.put(runId, w);
                }
                w.write(format(event));
                w.flush();
            } catch (IOException e) {
                // An appender must not throw into the code that logged; logback reports this on its status console.
                addError("cannot write the log file of run " + runId + " in " + directory, new UncheckedIOException(e));
            }
        }

        @Override
        public void stop() {
            for (BufferedWriter w : open.values()) {
                try {
                    w.close();
                } catch (IOException e) {
                    addError("cannot close a run log file in " + directory, e);
                }
            }
            open.clear();
            super.stop();
        }
    }
}
