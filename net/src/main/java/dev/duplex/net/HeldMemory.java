package dev.duplex.net;

import java.util.Objects;

/**
 * Memory an application holds on behalf of a peer outside any connection (messages kept for a client between two
 * HTTP requests, for example), counted in the server's {@linkplain WebSocketServer.Builder#memoryBudget memory
 * budget} like a connection's queued output. Get one from {@link WebSocketServer#holdMemory}, report what is held
 * with {@link #set} as it changes, and {@link #close} it when the peer is gone. When the budget is exceeded, the
 * shedding pass weighs it with the connections and may pick it: then {@code onShed} runs, once, and the holder
 * should free the memory (drop the backlog, close the peer's session). Counted in
 * {@link ServerMetrics#connectionsShed()} and {@link ServerMetrics#bufferedBytes()}.
 *
 * <p><b>Threading:</b> thread-safe. {@code onShed} runs on whichever thread ran the shedding pass (an event loop or
 * a thread that called {@link #set}): it must be quick and must not block; hand real work to another thread.
 */
public final class HeldMemory implements AutoCloseable {
    private final MemoryBudget budget;
    private final Runnable onShed;
    private final java.util.function.Consumer<HeldMemory> onClose;
    private long bytes;
    private volatile long visible;
    private volatile boolean shed;
    private boolean closed;

    HeldMemory(MemoryBudget budget, Runnable onShed, java.util.function.Consumer<HeldMemory> onClose) {
        this.budget = budget;
        this.onShed = Objects.requireNonNull(onShed, "onShed");
        this.onClose = onClose;
    }

    /**
     * Reports that {@code bytes} are held now (not a delta). Growth may start a shedding pass on this thread.
     * Ignored after {@link #close}.
     */
    public void set(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, was " + bytes);
        }
        long delta;
        synchronized (this) {
            if (closed) {
                return;
            }
            delta = bytes - this.bytes;
            this.bytes = bytes;
            visible = bytes;
        }
        if (delta != 0) {
            budget.add(delta);
            if (delta > 0) {
                budget.grew(null);
            }
        }
    }

    /** The bytes last reported. */
    public long bytes() {
        return visible;
    }

    /** Whether the shedding pass picked this holder. */
    public boolean isShed() {
        return shed;
    }

    /** Gives the held bytes back to the budget and stops counting them. Idempotent. */
    @Override
    public void close() {
        long released;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            released = bytes;
            bytes = 0;
            visible = 0;
        }
        budget.add(-released);
        onClose.accept(this);
    }

    /** The shedding pass picked it: runs {@code onShed} once; false if it was shed already. */
    boolean shed() {
        synchronized (this) {
            if (shed || closed) {
                return false;
            }
            shed = true;
        }
        onShed.run();
        return true;
    }
}
