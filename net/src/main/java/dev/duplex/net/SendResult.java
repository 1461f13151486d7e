package dev.duplex.net;

/**
 * What happened to a message handed to {@link ServerSession#send}. Never a silent drop: a message that will not
 * be sent is reported as {@link #REFUSED}.
 */
public enum SendResult {
    /** Queued; the connection's buffered bytes are at or below the high-water mark. */
    QUEUED,
    /** Queued, but the buffered bytes are now above the high-water mark: slow down, or wait for onDrain. */
    QUEUED_ABOVE_HIGH_WATER,
    /**
     * Not queued: the connection is closing or closed, or the high-water policy refused it
     * ({@link BackpressurePolicy#DROP}) or closed the connection because of it.
     */
    REFUSED
}
