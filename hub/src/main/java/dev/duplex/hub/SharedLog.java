package dev.duplex.hub;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The log several hub nodes share (Redis): it assigns each topic's sequence numbers, keeps its history with the
 * hub's retention, and carries every stored message to the nodes that {@link #subscribe subscribed} to its topic,
 * in sequence order. Used instead of a {@link MessageStore}'s sequencing when the hub is a cluster member.
 * {@link #open} and every other method are called on the hub's writer thread only; {@link Events} are called on
 * the log's own threads. Failures are {@link HubException}s with code {@code unavailable}.
 */
interface SharedLog extends AutoCloseable {

    /**
     * What a successful {@link #append} stored: the seq and timestamp the log gave the message; or, if
     * {@code duplicate}, those of the first message appended with the same key (nothing was stored).
     */
    record Appended(long seq, long timestamp, boolean duplicate) {
        Appended(long seq, long timestamp) {
            this(seq, timestamp, false);
        }
    }

    /** Called on the log's I/O threads: must only hand over to the writer thread. */
    interface Events {
        /** A message stored by any node on a subscribed topic; per topic in sequence order, maybe with holes. */
        void message(StoredMessage message);

        /** The subscription to {@code topic} is (again) in place: messages stored from now on will arrive. */
        void subscribed(String topic);

        /** The link that carries messages broke; messages may be late until {@link #subscribed} is called again. */
        void disconnected();

        /**
         * A member joined ({@code joined}) or left a subscribed topic on another node, or was dropped because its
         * node stopped sending heartbeats. Never called for this node's own members.
         */
        void presence(String topic, boolean joined, Member member);
    }

    /** Connects; throws if the log cannot be reached. */
    void open(Events events);

    /**
     * Stores a message in one atomic step (next seq, append with retention, notify the subscribed nodes). With a
     * {@code key} (null: none) that the topic remembers from an earlier append, nothing is stored and the result is
     * that append's, marked {@code duplicate}; else the key is remembered with the new seq (see
     * {@link PublishKeys} for how long). The future completes once the log confirmed, or exceptionally
     * ({@code unavailable}). Does not block.
     */
    CompletableFuture<Appended> append(String topic, long timestamp, String fromSession, String fromName, String data,
                                       String key);

    /** The topic's last given seq (0 if none). Blocks up to the command timeout. */
    long lastSeq(String topic);

    /** Subscribes to the topic's messages; returns once the subscription is confirmed. */
    void subscribe(String topic);

    /** Stops receiving the topic's messages; does not wait. */
    void unsubscribe(String topic);

    /** Stored messages with {@code seq > afterSeq} and {@code timestamp >= minTimestamp}, in seq order, at most {@code limit}. */
    List<StoredMessage> read(String topic, long afterSeq, long minTimestamp, int limit);

    /** Registers a member of this node on the topic and tells the other nodes; does not wait. */
    void join(String topic, Member member);

    /** Removes a member of this node from the topic and tells the other nodes; does not wait. */
    void leave(String topic, Member member);

    /** The topic's members on every node whose heartbeat is alive. Blocks up to the command timeout. */
    List<Member> members(String topic);

    /** Renews this node's heartbeat; does not wait. Call at least every second. */
    void heartbeat();

    /**
     * Brings the topic's member registry in line: removes the members whose node's heartbeat expired and this
     * node's members that are not in {@code own} (a leave lost while Redis was away), and registers those of
     * {@code own} that are missing (a join lost likewise), telling every node. Blocks up to the command timeout.
     */
    void syncMembers(String topic, List<Member> own);

    /** What this node saw of the log so far (links, round trips, errors, messages); any thread, quick. */
    ClusterMetrics metrics();

    @Override
    void close();
}
