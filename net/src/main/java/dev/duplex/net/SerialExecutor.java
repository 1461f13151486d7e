package dev.duplex.net;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks on a shared executor one at a time, in submission order: a session's callbacks on a worker pool
 * keep their order and never overlap, while different sessions run in parallel.
 *
 * <p>Thread-safe. A task that throws does not stop the ones after it (the caller wraps its own error handling).
 */
final class SerialExecutor implements Executor {
    private final Executor delegate;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (queue) {
            queue.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        delegate.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (queue) {
                next = queue.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            next.run();
        }
    }
}
