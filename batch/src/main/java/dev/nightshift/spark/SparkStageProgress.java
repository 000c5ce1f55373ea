package dev.nightshift.spark;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stage progress of a local Spark application, read from the child's output: the job's own listener prints every
 * stage's progress as {@code [Stage 3:(1 + 2) / 8]} (the spark-jobs {@code StageProgressLines}), in the form of Spark's
 * console progress bar ({@code [Stage 3:==>  (1 + 2) / 8]}), which is read the same way when a job prints it.
 * Listeners (the CLI's progress display) get every update; the lines themselves do not go to the log.
 */
public final class SparkStageProgress {
    private static final Pattern BAR = Pattern.compile("\\[Stage (\\d+):[^(]*\\((\\d+) \\+ (\\d+)\\) / (\\d+)]");
    private static final List<Consumer<Update>> LISTENERS = new CopyOnWriteArrayList<>();

    private SparkStageProgress() {
    }

    /** One stage of an application: tasks done, running and in total. */
    public record Update(String application, int stage, int done, int running, int total) {
    }

    /** Parses the first stage of a progress-bar line; empty if the line is not one. */
    public static Optional<Update> parse(String application, String line) {
        Matcher m = BAR.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new Update(application, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))));
    }

    /** True for the lines the progress bar prints (updates, and the blanks that erase it). */
    static boolean isProgressLine(String line) {
        return line.isBlank() || (line.startsWith("[Stage ") && BAR.matcher(line).find());
    }

    static void publish(String application, String line) {
        parse(application, line).ifPresent(u -> LISTENERS.forEach(l -> l.accept(u)));
    }

    /** Registers a listener until the returned handle is closed. */
    public static AutoCloseable listen(Consumer<Update> listener) {
        LISTENERS.add(listener);
        return () -> LISTENERS.remove(listener);
    }
}
