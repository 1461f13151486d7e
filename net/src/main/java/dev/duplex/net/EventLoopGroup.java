package dev.duplex.net;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A fixed set of {@link EventLoop}s handing out loops round robin, so connections spread evenly and each stays
 * pinned to one loop for its life.
 *
 * <p><b>Threading:</b> all methods are safe from any thread.
 */
final class EventLoopGroup {
    private final EventLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    EventLoopGroup(int size, String namePrefix, Consumer<Throwable> errorSink) {
        if (size < 1) {
            throw new IllegalArgumentException("need at least one event loop, was " + size);
        }
        loops = new EventLoop[size];
        for (int i = 0; i < size; i++) {
            loops[i] = new EventLoop(namePrefix + "-" + i, errorSink);
        }
    }

    /** The loop for the next connection. */
    EventLoop next() {
        return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    }

    int size() {
        return loops.length;
    }

    EventLoop get(int index) {
        return loops[index];
    }

    /** Stops every loop and waits up to {@code timeout} for their threads to end; true if all ended. */
    boolean shutdown(long timeout, TimeUnit unit) throws InterruptedException {
        for (EventLoop loop : loops) {
            loop.shutdown();
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        boolean all = true;
        for (EventLoop loop : loops) {
            all &= loop.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return all;
    }
}
