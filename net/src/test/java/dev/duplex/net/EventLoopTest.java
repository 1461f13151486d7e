package dev.duplex.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event loop on its own: tasks from other threads, timers in deadline order, cancellation, errors, shutdown. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventLoopTest {
    private final LinkedBlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();

    @Test
    void runsTasksFromOtherThreadsInOrderOnTheLoop() throws Exception {
        EventLoop loop = new EventLoop("test-loop", errors::add);
        try {
            List<Integer> seen = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1000);
            for (int i = 0; i < 1000; i++) {
                int n = i;
                loop.execute(() -> {
                    assertTrue(loop.inEventLoop());
                    seen.add(n);
                    done.countDown();
                });
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, seen.get(i));
            }
            assertFalse(loop.inEventLoop());
        } finally {
            loop.shutdown();
            assertTrue(loop.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void timersFireInDeadlineOrderAndCancelledOnesNever() throws Exception {
        EventLoop loop = new EventLoop("test-loop", errors::add);
        try {
            List<String> fired = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> last = new CompletableFuture<>();
            loop.execute(() -> {
                loop.schedule(TimeUnit.MILLISECONDS.toNanos(60), () -> {
                    fired.add("60");
                    last.complete(null);
                });
                loop.schedule(TimeUnit.MILLISECONDS.toNanos(20), () -> fired.add("20"));
                loop.schedule(TimeUnit.MILLISECONDS.toNanos(40), () -> fired.add("40")).cancel();
                loop.schedule(0, () -> fired.add("0"));
            });
            last.get(10, TimeUnit.SECONDS);
            assertEquals(List.of("0", "20", "60"), fired);
            assertThrows(IllegalStateException.class, () -> loop.schedule(1, () -> { }), "loop thread only");
        } finally {
            loop.shutdown();
            assertTrue(loop.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aThrowingTaskIsReportedAndTheLoopGoesOn() throws Exception {
        EventLoop loop = new EventLoop("test-loop", errors::add);
        try {
            loop.execute(() -> {
                throw new IllegalStateException("boom");
            });
            CompletableFuture<String> after = new CompletableFuture<>();
            loop.execute(() -> after.complete("still running"));
            assertEquals("still running", after.get(10, TimeUnit.SECONDS));
            assertEquals("boom", errors.poll(5, TimeUnit.SECONDS).getMessage());
        } finally {
            loop.shutdown();
            assertTrue(loop.awaitTermination(5, TimeUnit.SECONDS));
        }
    }
}
