package dev.nightshift.cli;

import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRepository;
import dev.nightshift.spark.SparkStageProgress;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Shows what the runs of a pipeline in a date range are doing while a command waits for them: each step as it starts and
 * ends, Spark's stage progress (tasks done of total), rows scored and quarantined, elapsed time. On a terminal it
 * redraws one status line; otherwise it prints plain lines (step changes, and stage progress at most every
 * {@value #PLAIN_STAGE_INTERVAL_MS} ms). It reads the runs table and Spring Batch's step executions once a second.
 */
final class RunProgress implements AutoCloseable {
    static final long PLAIN_STAGE_INTERVAL_MS = 10_000;
    /** Spark redraws its bar every 200 ms while a stage runs; an update older than this belongs to a finished stage. */
    static final long STAGE_STALE_NANOS = 3_000_000_000L;

    private final RunRepository runs;
    private final String pipeline;
    private final LocalDate from;
    private final LocalDate to;
    private final PrintStream out;
    private final boolean terminal;
    private final long t0 = System.nanoTime();
    private final long startedAfterRunId;
    private final Map<String, String> lastStepStatus = new HashMap<>();
    private final AtomicReference<SparkStageProgress.Update> stage = new AtomicReference<>();
    private volatile long stageAt;
    private final AutoCloseable stageListener;
    private final Thread poller;
    private volatile boolean closed;
    private long lastPlainStage;
    private int lastWidth;

    RunProgress(RunRepository runs, String pipeline, LocalDate from, LocalDate to, PrintStream out, boolean terminal) {
        this.runs = runs;
        this.pipeline = pipeline;
        this.from = from;
        this.to = to;
        this.out = out;
        this.terminal = terminal;
        this.startedAfterRunId = runs.search(pipeline, null, null, null, 0, 1).stream().mapToLong(RunRecord::id).findFirst().orElse(0);
        this.stageListener = SparkStageProgress.listen(u -> {
            stage.set(u);
            stageAt = System.nanoTime();
        });
        this.poller = new Thread(this::poll, "run-progress");
        this.poller.setDaemon(true);
        this.poller.start();
    }

    /** Whether stderr is an interactive terminal (the JVM has a console and TERM is not dumb). */
    static boolean isTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    private void poll() {
        while (!closed) {
            try {
                Thread.sleep(1000);
                render();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void render() {
        List<RunRecord> active = runs.search(pipeline, null, from, to, 0, 50).stream()
                .filter(r -> r.id() > startedAfterRunId).toList();
        String elapsed = elapsed();
        StringBuilder status = new StringBuilder();
        for (RunRecord run : active) {
            for (RunRepository.StepRecord step : runs.steps(run.id())) {
                String key = run.id() + "/" + step.step();
                String previous = lastStepStatus.put(key, step.status());
                if (!step.status().equals(previous)) {
                    String detail = "STARTED".equals(step.status()) ? "started" : step.status()
                            + (step.startedAt() != null && step.endedAt() != null
                            ? String.format(" in %.1f s", java.time.Duration.between(step.startedAt(), step.endedAt()).toMillis() / 1000.0) : "");
                    if ("score".equals(step.step()) && "COMPLETED".equals(step.status())) {
                        RunRecord now = runs.find(run.id()).orElse(run);
                        Long quarantined = runs.rowsQuarantined(run.id());
                        detail += ", " + now.rowsScored() + " rows scored" + (quarantined == null ? "" : ", " + quarantined + " quarantined");
                    }
                    line(String.format("[%s] %s %s run %d: step %s %s", elapsed, pipeline, run.businessDate(), run.id(), step.step(), detail));
                }
                if ("STARTED".equals(step.status())) {
                    status.append(status.isEmpty() ? "" : "; ").append(run.businessDate()).append(' ').append(step.step());
                }
            }
        }
        SparkStageProgress.Update u = System.nanoTime() - stageAt < STAGE_STALE_NANOS ? stage.get() : null;
        String stageText = u == null ? "" : String.format(" · Spark %s stage %d: %d/%d tasks", u.application(), u.stage(), u.done(), u.total());
        if (terminal) {
            String text = String.format("[%s] %s%s", elapsed, status.isEmpty() ? "waiting" : status, stageText);
            out.print("\r" + text + " ".repeat(Math.max(0, lastWidth - text.length())));
            lastWidth = text.length();
            out.flush();
        } else if (u != null && !status.isEmpty() && System.currentTimeMillis() - lastPlainStage >= PLAIN_STAGE_INTERVAL_MS) {
            lastPlainStage = System.currentTimeMillis();
            line(String.format("[%s] %s%s", elapsed, status, stageText));
        }
    }

    private void line(String text) {
        if (terminal && lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            lastWidth = 0;
        }
        out.println(text);
        out.flush();
    }

    private String elapsed() {
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        return String.format("%02d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() throws Exception {
        closed = true;
        poller.interrupt();
        poller.join(5000);
        render();
        if (terminal && lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            out.flush();
        }
        stageListener.close();
    }
}
