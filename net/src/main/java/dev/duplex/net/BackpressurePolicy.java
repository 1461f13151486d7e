package dev.duplex.net;

/**
 * What a server does when a connection's buffered outbound bytes would go above the high-water mark, i.e. the
 * peer reads more slowly than the application sends.
 */
public enum BackpressurePolicy {
    /**
     * Queue the message, report {@link SendResult#QUEUED_ABOVE_HIGH_WATER}, and stop reading from that peer until
     * the buffered bytes fall to the low-water mark. The application should stop sending until onDrain.
     */
    PAUSE_READING,
    /** Refuse the message ({@link SendResult#REFUSED}); the connection stays open. */
    DROP,
    /** Refuse the message and close the connection with 1008 (policy violation). */
    CLOSE_POLICY_VIOLATION,
    /** Refuse the message and close the connection with 1013 (try again later). */
    CLOSE_TRY_AGAIN_LATER
}
