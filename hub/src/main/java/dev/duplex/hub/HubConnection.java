package dev.duplex.hub;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client on {@code /hub}: its identity, rights and outbox, the rate buckets (event-loop side) and its
 * subscriptions and pending replays (writer-thread side, touched by nothing else).
 */
final class HubConnection {
    private final Member member;
    private final Rights rights;
    private final Outbox out;
    final TokenBucket publishes;
    final TokenBucket requests;
    final TokenBucket errors;
    /** Topics this connection may create (writer thread takes from it). */
    final TokenBucket topicCreations;
    /** When the connection's token expires (plus leeway), epoch ms; 0 = never. */
    final long closeAtMillis;
    /**
     * Set once the hub decided to close the connection (too many errors, token expired): its requests are
     * ignored from then on, and the close is sent by the writer after the acks of what was already committed.
     */
    final AtomicBoolean closing = new AtomicBoolean();

    // writer thread only
    final Map<String, Topic> topics = new LinkedHashMap<>();
    final ArrayDeque<Replay> replays = new ArrayDeque<>();
    boolean awaitingDrain;
    boolean gone;

    HubConnection(Member member, Rights rights, Outbox out, HubLimits limits, long nowNanos) {
        this(member, rights, out, limits, nowNanos, 0);
    }

    HubConnection(Member member, Rights rights, Outbox out, HubLimits limits, long nowNanos, long closeAtMillis) {
        this.member = member;
        this.rights = rights;
        this.out = out;
        this.publishes = new TokenBucket(limits.publishPerSecond(), limits.publishBurst(), nowNanos);
        this.requests = new TokenBucket(limits.requestsPerSecond(), limits.requestBurst(), nowNanos);
        this.errors = new TokenBucket(1, limits.maxErrorBurst(), nowNanos);
        this.topicCreations = new TokenBucket(limits.topicCreationsPerSecond(), limits.topicCreationBurst(), nowNanos);
        this.closeAtMillis = closeAtMillis;
    }

    Member member() {
        return member;
    }

    Rights rights() {
        return rights;
    }

    Outbox out() {
        return out;
    }

    @Override
    public String toString() {
        return "HubConnection[" + member.session() + " " + member.name() + "]";
    }
}
