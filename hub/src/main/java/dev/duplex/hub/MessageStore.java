package dev.duplex.hub;

import java.util.List;

/**
 * Where a hub keeps messages and each topic's last sequence number. Used by the hub's writer thread only, so
 * implementations need not be thread-safe. Writes ({@link #append}, {@link #saveLastSeq}) form a transaction
 * that {@link #commit} makes durable or {@link #rollback} discards. Failures are {@link HubException}s with code
 * {@code internal}.
 */
interface MessageStore extends AutoCloseable {

    /** A topic as found at start: its last sequence number and the timestamp of its newest kept message (0 if none). */
    record TopicState(String topic, long lastSeq, long lastTimestamp) {
    }

    /** Every topic that ever got a message. */
    List<TopicState> loadTopics();

    void append(StoredMessage message);

    void saveLastSeq(String topic, long lastSeq);

    void commit();

    void rollback();

    /**
     * Committed messages of {@code topic} with {@code seq > afterSeq} and {@code timestamp >= minTimestamp}, in
     * sequence order, at most {@code limit}.
     */
    List<StoredMessage> read(String topic, long afterSeq, long minTimestamp, int limit);

    /** Deletes the messages of {@code topic} with {@code seq <= upToSeq}; committed at once. */
    void pruneUpTo(String topic, long upToSeq);

    /** Deletes every message older than {@code minTimestamp}; committed at once. */
    void pruneOlderThan(long minTimestamp);

    @Override
    void close();
}
