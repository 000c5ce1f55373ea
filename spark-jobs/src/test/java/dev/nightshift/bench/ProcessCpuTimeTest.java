package dev.nightshift.bench;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import static org.assertj.core.api.Assertions.assertThat;

/** The profiling benchmark's CPU column: the process's CPU time covers at least what this thread spent. */
class ProcessCpuTimeTest {

    @Test
    void theProcessCpuTimeGrowsByAtLeastTheCpuTimeOfABusyThread() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long processBefore = ProfilingBenchmark.processCpuNanos();
        long threadBefore = threads.getCurrentThreadCpuTime();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() - threadBefore < 200_000_000L) {   // 0.2 s of this thread's CPU
            for (int i = 0; i < 100_000; i++) {
                x += Long.rotateLeft(x ^ i, 7);
            }
        }
        long thread = threads.getCurrentThreadCpuTime() - threadBefore;
        long process = ProfilingBenchmark.processCpuNanos() - processBefore;

        assertThat(x).isNotEqualTo(42);   // keeps the loop
        assertThat(thread).isGreaterThanOrEqualTo(200_000_000L);
        // both clocks tick in the kernel's accounting steps; allow one 10 ms tick of difference
        assertThat(process).isGreaterThanOrEqualTo(thread - 10_000_000L);
    }
}
