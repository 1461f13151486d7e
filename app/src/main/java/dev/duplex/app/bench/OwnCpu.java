package dev.duplex.app.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * The CPU time this process uses: all of it (JIT and GC included) from the operating system bean, and the selector
 * loop threads' own share from the thread bean. Readings are cumulative nanoseconds; the caller takes differences.
 * Either reading is -1 where the JVM cannot tell.
 */
final class OwnCpu {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final List<Thread> loopThreads;

    OwnCpu(List<Thread> loopThreads) {
        this.loopThreads = List.copyOf(loopThreads);
    }

    /** CPU time of the whole process so far, or -1. */
    long processNanos() {
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /** CPU time of the loop threads so far (a thread that ended counts 0), or -1. */
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is Java 19+, this builds for 17
    long loopThreadsNanos() {
        if (!threads.isThreadCpuTimeSupported()) {
            return -1;
        }
        long sum = 0;
        for (Thread t : loopThreads) {
            long n = threads.getThreadCpuTime(t.getId());
            sum += Math.max(0, n);
        }
        return sum;
    }
}
