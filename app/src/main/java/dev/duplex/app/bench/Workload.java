package dev.duplex.app.bench;

import java.nio.ByteBuffer;

/**
 * What one open connection does during a run: which frames it writes and what it makes of what it receives. Every
 * method runs on the connection's loop thread.
 */
interface Workload {

    /** The load begins (warm-up, or the measured window when there is no warm-up). */
    default void start(long now) {
    }

    /**
     * A data message arrived; {@code data} is valid during the call only.
     *
     * @return null when all is well, else why the connection must be failed as a {@link ErrorKind#PROTOCOL} error
     */
    String onMessage(ByteBuffer data, long now);

    /**
     * Bytes to write next, positioned for writing, or null when there is nothing to send now. Called only once
     * the bytes it returned last have been written completely, so a workload may reuse one buffer.
     */
    default ByteBuffer nextBytes(long now) {
        return null;
    }

    /**
     * True when {@link #nextBytes} held back only because of the rate cap (or a timer of its own): the loop asks
     * again at {@link #dueNanos()}.
     */
    default boolean waitingForRate() {
        return false;
    }

    /** When {@link #waitingForRate()}, the {@link System#nanoTime()} at which to ask {@link #nextBytes} again. */
    default long dueNanos() {
        return 0;
    }

    /** True when the oldest message this connection waits for is older than {@code timeoutNanos}. */
    default boolean timedOut(long now, long timeoutNanos) {
        return false;
    }

    /** Whether a counted run ({@code --messages}) gives this connection a share of the messages. */
    default boolean budgeted() {
        return false;
    }

    /** Counted runs: this connection completes exactly {@code messages} in the measured window. */
    default void assignBudget(long messages) {
    }

    /** The connection failed or was closed. */
    default void onClosed() {
    }
}
