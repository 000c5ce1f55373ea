package dev.nightshift.spark;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/** Prints {@link StageProgressLines} of the job's stages to a stream (the child's stderr, which the orchestrator reads). */
final class StageProgressListener extends SparkListener {
    private final StageProgressLines lines = new StageProgressLines(TimeUnit.MILLISECONDS.toNanos(200));
    private final PrintStream out;

    StageProgressListener(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
        out.println(lines.submitted(e.stageInfo().stageId(), e.stageInfo().numTasks(), System.nanoTime()));
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
        lines.taskStarted(e.stageId(), System.nanoTime()).ifPresent(out::println);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        lines.taskEnded(e.stageId(), e.taskInfo().successful(), System.nanoTime()).ifPresent(out::println);
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted e) {
        lines.completed(e.stageInfo().stageId()).ifPresent(out::println);
    }
}
