package dev.nightshift.spark;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The stage progress a local job prints for its orchestrator, one line per update in the form of Spark's console
 * progress bar ({@code [Stage 3:(5 + 2) / 8]}: tasks done, running, in total), which the orchestrator's output pump
 * already reads. Unlike that bar, which shows only stages running longer than half a second, every stage is reported:
 * when it is submitted, as its tasks start and end (at most one line per stage every {@code interval}), and when it
 * completes.
 */
public final class StageProgressLines {
    private final long intervalNanos;
    private final Map<Integer, Stage> active = new HashMap<>();

    private static final class Stage {
        final int total;
        int running;
        int done;
        long printedAt;

        Stage(int total, long now) {
            this.total = total;
            this.printedAt = now;
        }
    }

    public StageProgressLines(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** A stage (or a new attempt of one) is submitted with {@code tasks} tasks. */
    public synchronized String submitted(int stage, int tasks, long now) {
        active.put(stage, new Stage(tasks, now));
        return line(stage, 0, 0, tasks);
    }

    public synchronized Optional<String> taskStarted(int stage, long now) {
        Stage s = active.get(stage);
        if (s == null) {
            return Optional.empty();
        }
        s.running++;
        return throttled(stage, s, now);
    }

    /** {@code succeeded}: the task's result counts towards the stage (a failed or killed attempt does not). */
    public synchronized Optional<String> taskEnded(int stage, boolean succeeded, long now) {
        Stage s = active.get(stage);
        if (s == null) {
            return Optional.empty();
        }
        s.running = Math.max(0, s.running - 1);
        if (succeeded) {
            s.done = Math.min(s.total, s.done + 1);
        }
        return throttled(stage, s, now);
    }

    /** The stage ended (all tasks done, or failed: then the tasks done so far). */
    public synchronized Optional<String> completed(int stage) {
        Stage s = active.remove(stage);
        return s == null ? Optional.empty() : Optional.of(line(stage, s.done, 0, s.total));
    }

    private Optional<String> throttled(int stage, Stage s, long now) {
        if (now - s.printedAt < intervalNanos) {
            return Optional.empty();
        }
        s.printedAt = now;
        return Optional.of(line(stage, s.done, s.running, s.total));
    }

    static String line(int stage, int done, int running, int total) {
        return "[Stage " + stage + ":(" + done + " + " + running + ") / " + total + "]";
    }
}
