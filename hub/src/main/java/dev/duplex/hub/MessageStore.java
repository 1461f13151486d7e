package dev.duplex.hub;

import java.util.List;

/**
 * Where a hub keeps messages and each topic's last sequence number. Created on the thread that builds the hub
 * (cheap checks only, such as taking a folder lock), then {@link #open opened} by the hub's writer thread, which
 * is the only thread that uses it from then on, so implementations need not be thread-safe. Writes ({@link #append}, {@link #saveLastSeq}) form a transaction
 * that {@link #commit} makes durable or {@link #rollback} discards. Failures are {@link HubException}s with code
 * {@code internal}.
 */
interface MessageStore extends AutoCloseable {

    /** A topic as found at start: its last sequence number and the timestamp of its newest kept message (0 if none). */
    record TopicState(String topic, long lastSeq, long lastTimestamp) {
    }

    /**
     * Does the slow part of opening (files, schema). Called once, on the writer thread, before any other method
     * but {@link #close}.
     */
    void open();

    /** Every topic that got a message and was not {@link #removeTopics removed} since. */
    List<TopicState> loadTopics();

    /**
     * This store's identity, created with it and kept as long as it is (a new or emptied store has a new one):
     * lets the hub tell that the store it numbered messages in is gone. Called after {@link #open}.
     */
    String storeId();

    /** Deletes the topics' messages and last sequence numbers; committed at once. */
    void removeTopics(List<String> topics);

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

    /** Releases everything; also after a failed or without an {@link #open}. */
    @Override
    void close();
}
