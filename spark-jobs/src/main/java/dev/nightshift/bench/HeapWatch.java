package dev.nightshift.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The heap of this JVM (in local mode Spark's driver and executors share it) while a benchmark variant runs, in two
 * measures: {@code usedBytes}, the sum of the heap pools' peak usage since {@link #reset} (an upper bound of the peak
 * heap occupancy, garbage included, so it mostly shows how far the collector let the heap grow), and
 * {@code afterGcBytes}, the largest heap occupancy right after a collection (live data plus what that collection
 * left), i.e. roughly what the work needed to keep. {@code afterGcBytes} is -1 when no collection ended in between.
 */
final class HeapWatch {

    static final String LEGEND = "peak heap: the sum of the heap pools' peaks while the variant ran (garbage included; bounded by -Xmx); "
            + "max heap after GC: the largest heap occupancy right after a collection during the variant (about what it kept alive); "
            + "both the largest over the variant's rounds, in the benchmark's one JVM (Spark local mode: driver and executors).\n";

    /** The heap of one variant (the largest over its runs when merged with {@link #max}). */
    record Peak(long usedBytes, long afterGcBytes) {
        static Peak max(Peak a, Peak b) {
            return new Peak(Math.max(a.usedBytes, b.usedBytes), Math.max(a.afterGcBytes, b.afterGcBytes));
        }

        @Override
        public String toString() {
            return mb(usedBytes) + ", after GC " + mb(afterGcBytes);
        }
    }

    private static HeapWatch installed;

    private final List<MemoryPoolMXBean> pools;
    private final Set<String> heapPoolNames;
    private final AtomicLong maxAfterGc = new AtomicLong(-1);

    private HeapWatch() {
        // The heap stays at its maximum while the watch measures, as with -Xms equal to -Xmx. The collection before each
        // timed run (reset) would otherwise shrink it: after a full collection G1 gives back what is free beyond
        // MaxHeapFreeRatio (70% by default), down towards the initial heap (at -Xmx3g alone, 3 GB committed became
        // 28 MB), and the run then pays for growing it again, the short runs most. With both ratios at 100 the first
        // collection grows the heap to the maximum and none shrinks it (docs/performance-log.md, "A heap the
        // benchmark's own collections do not shrink"). Max first: the JVM keeps Min <= Max at every step.
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        vm.setVMOption("MaxHeapFreeRatio", "100");
        vm.setVMOption("MinHeapFreeRatio", "100");
        pools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        heapPoolNames = pools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                    Map<String, MemoryUsage> after = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                            .getGcInfo().getMemoryUsageAfterGc();
                    long used = after.entrySet().stream().filter(e -> heapPoolNames.contains(e.getKey()))
                            .mapToLong(e -> e.getValue().getUsed()).sum();
                    maxAfterGc.accumulateAndGet(used, Math::max);
                }
            }, null, null);
        }
    }

    /** The one watch of this JVM (listeners are registered once; the heap is held at its maximum from then on). */
    static synchronized HeapWatch install() {
        if (installed == null) {
            installed = new HeapWatch();
        }
        return installed;
    }

    /**
     * Collects garbage left by earlier work and starts measuring afresh. GC notifications arrive asynchronously, so the
     * collection's own notification may count towards the next variant: as the live data it starts with, which the
     * variant holds anyway.
     */
    void reset() {
        System.gc();
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        maxAfterGc.set(-1);
    }

    Peak peak() {
        return new Peak(pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum(), maxAfterGc.get());
    }

    /** The heap options this JVM runs with (-Xmx and friends), for reports. */
    static String heapOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-Xmx") || a.startsWith("-Xms") || a.startsWith("-XX:MaxRAM") || a.startsWith("-XX:+Use"))
                .collect(Collectors.joining(" "));
    }

    static String describeJvm() {
        return "one JVM, max heap " + mb(Runtime.getRuntime().maxMemory()) + " (" + (heapOptions().isEmpty() ? "JVM default" : heapOptions())
                + (installed != null ? ", heap held at its maximum for the timed runs" : "") + ", "
                + ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(" + ")) + ")";
    }

    static String mb(long bytes) {
        return bytes < 0 ? "no GC" : String.format(Locale.ROOT, "%,d MB", Math.round(bytes / 1048576.0));
    }
}
