package dev.nightshift.bench;

import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * The CPU time of the Spark tasks each run of a benchmark variant ran (Spark's {@code executorCpuTime}: the task
 * threads' own CPU, not the driver's planning, the JIT's compilations, the collector's threads or a core left idle while
 * the last task of a stage finishes). A round's wall time pays all of those; its tasks' CPU is the work its rows cost.
 * The scaling benchmark prints both, so that a per-row wall time that moves between sizes can be told apart from the
 * rows costing more. {@link #wrap} tags a run's jobs (a local property of the thread that starts them); the listener adds
 * each finished task's CPU to the run whose job started its stage.
 */
final class TaskCpu extends SparkListener {

    static final String PROPERTY = "nightshift.bench.run";

    private final SparkContext context;
    /** Stage id: the run whose job started it. */
    private final Map<Integer, String> runOfStage = new ConcurrentHashMap<>();
    /** Run: its tasks' CPU nanoseconds. */
    private final Map<String, Long> cpuNanos = new ConcurrentHashMap<>();
    /** Run: how many of its tasks ended. */
    private final Map<String, Integer> tasks = new ConcurrentHashMap<>();
    /** Variant name: how many runs {@link #wrap} has started (the driver's thread only). */
    private final Map<String, Integer> runs = new HashMap<>();

    private TaskCpu(SparkContext context) {
        this.context = context;
    }

    /** A meter listening to {@code context}'s tasks from now on. */
    static TaskCpu install(SparkContext context) {
        TaskCpu meter = new TaskCpu(context);
        context.addSparkListener(meter);
        return meter;
    }

    /** {@code work}, counted as the next run of {@code name}: every job it starts on this thread is that run's. */
    Runnable wrap(String name, Runnable work) {
        return () -> {
            int run = runs.merge(name, 1, Integer::sum) - 1;
            context.setLocalProperty(PROPERTY, key(name, run));
            try {
                work.run();
            } finally {
                context.setLocalProperty(PROPERTY, null);
            }
        };
    }

    /**
     * The tasks' CPU nanoseconds of every run of {@code name} so far, in the order they ran (a run that started no task:
     * 0), once the listener has seen every event posted before this call.
     */
    List<Long> cpuNanos(String name) {
        drain(name);
        List<Long> out = new ArrayList<>();
        for (int run = 0; run < runs.getOrDefault(name, 0); run++) {
            out.add(cpuNanos.getOrDefault(key(name, run), 0L));
        }
        return out;
    }

    /** How many tasks each run of {@code name} so far ran, in the order they ran, as {@link #cpuNanos}. */
    List<Integer> tasks(String name) {
        drain(name);
        List<Integer> out = new ArrayList<>();
        for (int run = 0; run < runs.getOrDefault(name, 0); run++) {
            out.add(tasks.getOrDefault(key(name, run), 0));
        }
        return out;
    }

    private void drain(String name) {
        try {
            context.listenerBus().waitUntilEmpty();
        } catch (TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not deliver its events in time: the tasks' CPU of "
                    + name + " would be incomplete", e);
        }
    }

    @Override
    public void onJobStart(SparkListenerJobStart job) {
        String run = job.properties() == null ? null : job.properties().getProperty(PROPERTY);
        if (run != null) {
            for (Object stage : CollectionConverters.asJava(job.stageIds())) {
                runOfStage.put((Integer) stage, run);
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd task) {
        String run = runOfStage.get(task.stageId());
        TaskMetrics metrics = task.taskMetrics();
        if (run != null && metrics != null) {
            cpuNanos.merge(run, metrics.executorCpuTime(), Long::sum);
            tasks.merge(run, 1, Integer::sum);
        }
    }

    private static String key(String name, int run) {
        return name + "\u0000" + run;
    }
}
