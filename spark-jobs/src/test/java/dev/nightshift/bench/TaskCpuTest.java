package dev.nightshift.bench;

import dev.nightshift.testing.SparkTestBase;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scaling benchmark's tasks' CPU column: each run's tasks, and only they, counted to the run that started them. */
class TaskCpuTest extends SparkTestBase {

    private static void sum(long rows) {
        spark.range(0, rows, 1, 2).selectExpr("sum(sqrt(id) * sin(id))").collect();
    }

    @Test
    void eachRunCountsTheTasksOfTheJobsItStartedAndNothingElse() {
        TaskCpu meter = TaskCpu.install(spark.sparkContext());
        Runnable small = meter.wrap("small", () -> sum(1_000));
        Runnable large = meter.wrap("large", () -> sum(2_000_000));
        sum(1_000);   // jobs outside every run, before the runs
        sum(2_000_000);

        small.run();
        large.run();
        small.run();
        List<Long> before = meter.cpuNanos("small");
        sum(2_000_000);   // a job outside every run

        assertThat(spark.sparkContext().getLocalProperty(TaskCpu.PROPERTY)).isNull();
        assertThat(meter.cpuNanos("small")).hasSize(2).allSatisfy(n -> assertThat(n).isPositive()).isEqualTo(before);
        assertThat(meter.cpuNanos("large")).singleElement().satisfies(n -> assertThat(n).isPositive());
        // each run's own tasks, and only they: the sum's two partial aggregations and its final one, whatever the rows
        assertThat(meter.tasks("small")).containsExactly(3, 3);
        assertThat(meter.tasks("large")).containsExactly(3);
        assertThat(meter.cpuNanos("never run")).isEmpty();
    }

    @Test
    void aRunThatFailsStillEndsItsTagSoTheNextJobIsNotCountedToIt() {
        TaskCpu meter = TaskCpu.install(spark.sparkContext());
        Runnable failing = meter.wrap("failing", () -> {
            sum(1_000);
            throw new IllegalStateException("boom");
        });

        assertThatThrownBy(failing::run).hasMessage("boom");
        assertThat(spark.sparkContext().getLocalProperty(TaskCpu.PROPERTY)).isNull();
        long counted = meter.cpuNanos("failing").get(0);
        sum(2_000_000);
        assertThat(meter.cpuNanos("failing")).containsExactly(counted);
        assertThat(meter.tasks("failing")).containsExactly(3);
    }

    @Test
    void theCpuPerRowIsTheMedianRoundsOverTheRows() {
        assertThat(Scaling.taskCpuNanosPerRow(List.of(3_000L, 1_000L, 2_000L), 10)).isEqualTo(200.0);
        assertThat(Scaling.taskCpuNanosPerRow(List.of(1_000L, 4_000L), 10)).isEqualTo(250.0);
    }
}
