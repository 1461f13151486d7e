package dev.duplex.net;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread that drives client {@link WebSocket}s: one selector thread for any number of connections (no thread
 * per connection), plus a small pool for DNS lookups so that a slow resolver never stalls the loop.
 *
 * <p>{@link #shared()} is the default: a daemon loop started on first use and kept for the life of the JVM.
 * Create your own with {@link #create(String)} to isolate connections or control the thread's lifetime; then
 * {@link #close()} it when done (its connections are closed abruptly).
 *
 * <p><b>Threading:</b> all methods are thread-safe. Code run by event listeners on this loop must not block:
 * it holds up every connection on the loop (pass an executor to the builder for blocking listeners).
 */
public final class ClientEventLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClientEventLoop.class.getName());
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final EventLoop loop;
    private final ThreadPoolExecutor resolver;
    private final boolean shared;

    private ClientEventLoop(String name, boolean shared) {
        this.loop = new EventLoop(name, e -> Warnings.log(LOG, "error on client event loop " + name, e));
        this.resolver = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name + "-dns");
            t.setDaemon(true);
            return t;
        });
        resolver.allowCoreThreadTimeOut(true);
        this.shared = shared;
    }

    private static final class SharedHolder {
        static final ClientEventLoop INSTANCE = new ClientEventLoop("duplex-client", true);
    }

    /** The default loop, a daemon thread named {@code duplex-client}, started lazily on first use. */
    public static ClientEventLoop shared() {
        return SharedHolder.INSTANCE;
    }

    /** A new loop with its own daemon thread; close it when done. */
    public static ClientEventLoop create(String name) {
        return new ClientEventLoop(name + "-" + COUNTER.incrementAndGet(), false);
    }

    EventLoop loop() {
        return loop;
    }

    Executor resolver() {
        return resolver;
    }

    /** Connections currently registered on this loop (a snapshot; for tests and metrics). */
    public int connectionCount() {
        return loop.registeredChannels();
    }

    /**
     * Stops the loop: its connections are closed without a close handshake. Does nothing for {@link #shared()}.
     * Waits up to 5 seconds for the thread to end.
     */
    @Override
    public void close() {
        if (shared) {
            return;
        }
        loop.shutdown();
        resolver.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
