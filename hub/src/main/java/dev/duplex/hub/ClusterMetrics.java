package dev.duplex.hub;

import java.util.List;

/**
 * What a hub that is one node of several over Redis ({@link Hub.Builder#redis}) sees of Redis, for monitoring
 * (e.g. an app's {@code /metrics} and {@code /healthz}). A snapshot from {@link Hub#clusterMetrics()}; each
 * field is read atomically, the set is not. Counters count since the hub was built.
 *
 * @param nodeId             this node's id (random per hub, 16 hex digits), as in Redis's member registry and
 *                           heartbeat key {@code duplex:node:<id>}
 * @param commandLinkUp      whether the connection that carries commands (publishes, reads, presence,
 *                           heartbeats) is connected now
 * @param pubSubLinkUp       whether the pub/sub connection that brings other nodes' messages is connected now
 * @param unreachableMillis  how long Redis has been unreachable now, 0 if it is reachable: since a connection
 *                           dropped, or since a command timed out or was refused for want of a connection, with
 *                           no answer from Redis since (any answer, error replies included, proves it reachable);
 *                           before the hub first connected (or if that failed), since the hub was built
 * @param reconnects         connections re-established after they dropped (either connection)
 * @param commandErrors      commands that failed: timeouts, refusals while disconnected and error replies (a
 *                           {@code NOSCRIPT} answered by sending the script again is not counted)
 * @param commandTimeouts    those of {@code commandErrors} that ran into the command timeout
 * @param roundTrips         commands Redis answered (on both connections)
 * @param roundTripNanos     the sum of their round-trip times: from writing the command to the socket until its
 *                           reply was read, as measured by the client (Lettuce)
 * @param roundTripBuckets   cumulative counts of those round trips per bound of {@link #ROUND_TRIP_BOUNDS_SECONDS}
 *                           (the count at index {@code i} took at most that bound); the same size as the bounds
 * @param messagesOut        messages this node stored in Redis (publishes Redis confirmed)
 * @param messagesIn         messages that reached this node over pub/sub (published by any node, this one too)
 * @param messagesRead       messages this node read from Redis's log (history, resume, and catching up after a
 *                           hole or a reconnect)
 */
public record ClusterMetrics(String nodeId, boolean commandLinkUp, boolean pubSubLinkUp, long unreachableMillis,
                             long reconnects, long commandErrors, long commandTimeouts, long roundTrips,
                             long roundTripNanos, List<Long> roundTripBuckets, long messagesOut, long messagesIn,
                             long messagesRead) {

    /** The upper bounds (seconds, inclusive) of the round-trip buckets, ascending; larger ones count only in total. */
    public static final List<Double> ROUND_TRIP_BOUNDS_SECONDS = List.of(0.0001, 0.00025, 0.0005, 0.001, 0.0025,
            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5);

    public ClusterMetrics {
        roundTripBuckets = List.copyOf(roundTripBuckets);
        if (roundTripBuckets.size() != ROUND_TRIP_BOUNDS_SECONDS.size()) {
            throw new IllegalArgumentException("one bucket per bound, got " + roundTripBuckets.size());
        }
    }
}
