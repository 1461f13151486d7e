package dev.duplex.net;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A daemon thread that checks the server's event loops are turning: every tick it hands each loop a tiny task that
 * stamps the time, and a loop whose stamp is older than the stall threshold while a stamp task waits is stalled;
 * a loop whose thread ended is dead. The result is published as a {@link ServerHealth}; each change of health is
 * reported to a listener (on the watchdog thread).
 *
 * <p><b>Threading:</b> {@link #health()} from any thread; the watchdog thread does everything else.
 */
final class LoopWatchdog {
    private final EventLoopGroup loops;
    private final long stallNanos;
    private final long tickMillis;
    private final Consumer<ServerHealth> listener;
    private final long[] posted;
    private final long[] stamped;
    private final Thread thread;
    private volatile ServerHealth health = ServerHealth.HEALTHY;
    private volatile boolean running = true;

    LoopWatchdog(EventLoopGroup loops, long stallNanos, Consumer<ServerHealth> listener, String name) {
        this.loops = loops;
        this.stallNanos = stallNanos;
        this.tickMillis = Math.max(10, TimeUnit.NANOSECONDS.toMillis(stallNanos) / 4);
        this.listener = listener;
        this.posted = new long[loops.size()];
        this.stamped = new long[loops.size()];
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    LoopWatchdog start() {
        thread.start();
        return this;
    }

    ServerHealth health() {
        return health;
    }

    void stop() {
        running = false;
        thread.interrupt();
    }

    private void run() {
        while (running) {
            try {
                check();
                Thread.sleep(tickMillis); // the watchdog's tick, not a wait for an event
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                // out of memory while building the report: try again next tick
            }
        }
    }

    private void check() {
        long now = System.nanoTime();
        List<String> problems = new ArrayList<>(0);
        int stalled = 0;
        int dead = 0;
        for (int i = 0; i < loops.size(); i++) {
            EventLoop loop = loops.get(i);
            if (loop.isShuttingDown()) {
                continue;
            }
            if (!loop.isAlive()) {
                dead++;
                problems.add(loop.thread().getName() + " is dead (its thread ended)");
                continue;
            }
            long stamp;
            synchronized (this) {
                stamp = stamped[i];
            }
            boolean waiting = posted[i] != 0 && stamp - posted[i] < 0;
            if (waiting && now - posted[i] > stallNanos) {
                stalled++;
                problems.add(loop.thread().getName() + " has not turned for "
                        + TimeUnit.NANOSECONDS.toMillis(now - posted[i]) + " ms" + topFrame(loop.thread()));
            }
            if (!waiting) {
                int index = i;
                posted[i] = now;
                loop.execute(() -> stamp(index));
            }
        }
        ServerHealth next = problems.isEmpty() ? ServerHealth.HEALTHY
                : new ServerHealth(false, stalled, dead, problems);
        ServerHealth previous = health;
        health = next;
        if (!previous.equals(next) && (previous.healthy() != next.healthy()
                || previous.deadLoops() != next.deadLoops() || previous.stalledLoops() != next.stalledLoops())) {
            listener.accept(next);
        }
    }

    private synchronized void stamp(int index) {
        stamped[index] = System.nanoTime();
    }

    private static String topFrame(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        return stack.length == 0 ? "" : " (at " + stack[0] + ")";
    }
}
