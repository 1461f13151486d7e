package dev.duplex.net;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Accepts connections on the listening socket (registered on one loop) and hands each new socket on.
 *
 * <p>A failed accept (typically EMFILE/ENFILE, "Too many open files") leaves the pending connection in the
 * kernel's backlog, so the socket stays acceptable and selecting OP_ACCEPT again would fail again at once, spinning
 * a core. Instead the acceptor stops selecting OP_ACCEPT for a delay that starts at {@link #MIN_BACKOFF_NANOS} and
 * doubles on each consecutive failure up to {@link #MAX_BACKOFF_NANOS}, then retries; a successful accept resets
 * it. Failures are logged through a {@link RateLimitedLog} (one line a second with the count suppressed) and passed
 * to the error sink only when a line is written. Loop thread only.
 */
final class Acceptor implements IoHandler {
    private static final int MAX_ACCEPTS_PER_WAKEUP = 64;
    static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());

    private final ServerSocketChannel channel;
    private final EventLoop loop;
    private final Consumer<SocketChannel> onAccepted;
    private final Consumer<Throwable> errorSink;
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, System.Logger.Level.WARNING, 1, TimeUnit.SECONDS);
    private final LongAdder failures;
    private final Runnable resume = this::resume;
    private SelectionKey key;
    private long backoffNanos;

    Acceptor(ServerSocketChannel channel, EventLoop loop, Consumer<SocketChannel> onAccepted,
             Consumer<Throwable> errorSink, LongAdder failures) {
        this.channel = channel;
        this.loop = loop;
        this.onAccepted = onAccepted;
        this.errorSink = errorSink;
        this.failures = failures;
    }

    @Override
    public void onReady(SelectionKey key) {
        this.key = key;
        for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP; i++) {
            SocketChannel socket;
            try {
                socket = channel.accept();
            } catch (ClosedChannelException e) {
                return; // stopping
            } catch (IOException e) {
                backOff(e);
                return;
            }
            if (socket == null) {
                return;
            }
            backoffNanos = 0;
            onAccepted.accept(socket);
        }
    }

    private void backOff(IOException e) {
        failures.increment();
        backoffNanos = backoffNanos == 0 ? MIN_BACKOFF_NANOS : Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
        try {
            key.interestOps(0);
        } catch (CancelledKeyException closed) {
            return;
        }
        loop.schedule(backoffNanos, resume); // first: whatever logging does without file descriptors
        if (failureLog.log("accept failed (" + e.getMessage() + "); not accepting for "
                + TimeUnit.NANOSECONDS.toMillis(backoffNanos) + " ms", null)) {
            errorSink.accept(e);
        }
    }

    private void resume() {
        if (key != null && key.isValid()) {
            try {
                key.interestOps(SelectionKey.OP_ACCEPT);
            } catch (CancelledKeyException ignored) {
                // the listener was closed meanwhile
            }
        }
    }

    /** Failed accepts seen, logged or not. */
    long failureLines() {
        return failureLog.total();
    }

    @Override
    public void onLoopError(Throwable error) {
        // the listening socket is closed by the loop or by stop(); nothing else to release
    }
}
