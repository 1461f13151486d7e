package dev.duplex.app;

import dev.duplex.hub.ClusterMetrics;

import java.time.Duration;
import java.util.Locale;

/**
 * A node of several over Redis ({@code serve --redis}) on {@code /metrics} (the {@code duplex_redis_*} and
 * {@code duplex_cluster_*} metrics, listed in docs/cluster.md) and on {@code /healthz} (Redis reachability).
 * Stateless; thread-safe.
 */
final class ClusterStatus {
    /**
     * How long Redis may be unreachable before {@code /healthz} answers 503: longer than one missed heartbeat (the
     * writer renews it every second) and a quick reconnect, so a single lost command does not flap the check.
     */
    static final Duration UNREACHABLE_GRACE = Duration.ofSeconds(2);

    private ClusterStatus() {
    }

    /** The node's Redis figures as Prometheus metrics. */
    static void write(ClusterMetrics m, PrometheusText out) {
        out.info("duplex_cluster_node_info", "This node's id among the nodes sharing Redis (random per start; the "
                        + "id in Redis's member registry and heartbeat key duplex:node:<id>).", "node", m.nodeId())
                .gauge("duplex_redis_command_link_up", "1 while the Redis connection for commands (publishes, "
                        + "reads, presence, heartbeats) is connected, else 0.", m.commandLinkUp() ? 1 : 0)
                .gauge("duplex_redis_pubsub_link_up", "1 while the Redis pub/sub connection that brings other "
                        + "nodes' messages is connected, else 0.", m.pubSubLinkUp() ? 1 : 0)
                .gauge("duplex_redis_unreachable_seconds", "How long Redis has been unreachable now (a connection "
                        + "down, or commands timing out with no answer since); 0 while reachable. /healthz answers "
                        + "503 once this passes " + UNREACHABLE_GRACE.toSeconds() + " s.",
                        m.unreachableMillis() / 1000.0)
                .counter("duplex_redis_reconnects_total", "Redis connections re-established after they dropped.",
                        m.reconnects())
                .counter("duplex_redis_command_errors_total", "Redis commands that failed: timeouts, refused "
                        + "while disconnected, error replies.", m.commandErrors())
                .counter("duplex_redis_command_timeouts_total", "Redis commands that ran into the command timeout "
                        + "(also counted in duplex_redis_command_errors_total).", m.commandTimeouts())
                .histogram("duplex_redis_round_trip_seconds", "Round-trip time of every command this node sent "
                                + "to Redis (publish scripts, reads, presence, heartbeats, subscribes), from writing "
                                + "it to the socket to reading its reply, as measured by the Redis client.",
                        ClusterMetrics.ROUND_TRIP_BOUNDS_SECONDS, m.roundTripBuckets(), m.roundTrips(),
                        m.roundTripNanos() / 1e9)
                .counter("duplex_redis_messages_out_total", "Messages this node stored in Redis (publishes Redis "
                        + "confirmed).", m.messagesOut())
                .counter("duplex_redis_messages_in_total", "Messages that reached this node over Redis pub/sub "
                        + "(published by any node, this one included).", m.messagesIn())
                .counter("duplex_redis_messages_read_total", "Messages this node read from the Redis log "
                        + "(history, resume, catching up).", m.messagesRead());
    }

    /** The {@code /healthz} problem while Redis has been unreachable for longer than {@code grace}, else null. */
    static String problem(ClusterMetrics m, Duration grace) {
        if (m.unreachableMillis() <= grace.toMillis()) {
            return null;
        }
        return String.format(Locale.ROOT, "redis unreachable for %.1f s (%s)", m.unreachableMillis() / 1000.0,
                !m.commandLinkUp() || !m.pubSubLinkUp() ? "connection down" : "commands time out");
    }
}
