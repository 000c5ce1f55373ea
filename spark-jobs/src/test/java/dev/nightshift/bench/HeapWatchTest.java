package dev.nightshift.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scoring benchmark collects the heap before each timed run; once the watch is installed that collection must leave
 * the heap at its maximum instead of shrinking it (this test JVM runs with -Xmx and a smaller initial heap, so without
 * the watch's settings G1 shrinks it after the collection).
 */
class HeapWatchTest {

    @Test
    void afterTheWatchIsInstalledACollectionLeavesTheHeapAtItsMaximum() {
        HeapWatch watch = HeapWatch.install();
        watch.reset();   // the collection the benchmark makes before each timed run

        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo("100");
        assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("100");
        assertThat(Runtime.getRuntime().totalMemory()).isEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(HeapWatch.describeJvm()).contains("heap held at its maximum for the timed runs");
    }
}
