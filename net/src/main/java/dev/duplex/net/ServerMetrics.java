package dev.duplex.net;

/**
 * A snapshot of a {@link WebSocketServer}'s counters, from {@link WebSocketServer#metrics()}. Counters
 * ({@code *Total}) only grow while the server runs; gauges are the value at the snapshot. Each value is read on its
 * own, so the snapshot is not atomic across fields (good enough for monitoring, not for accounting).
 *
 * @param openConnections     TCP connections open now (HTTP or WebSocket)
 * @param openSessions        WebSocket sessions open now
 * @param acceptedConnections TCP connections accepted since start
 * @param messagesIn          WebSocket messages received (whole messages, not frames)
 * @param messagesOut         WebSocket messages queued for sending (a broadcast counts once per target)
 * @param bytesIn             bytes read from sockets (after TLS decryption for wss)
 * @param bytesOut            bytes written to sockets (before TLS encryption for wss)
 * @param queuedBytes         bytes waiting to be sent now, over all sessions
 * @param httpRequests        plain HTTP requests answered (files, handlers, errors), not upgrades
 * @param errors              malformed HTTP requests, protocol violations by peers, and exceptions thrown by
 *                            endpoint callbacks, accept hooks or HTTP handlers
 */
public record ServerMetrics(int openConnections, int openSessions, long acceptedConnections, long messagesIn,
                            long messagesOut, long bytesIn, long bytesOut, long queuedBytes, long httpRequests,
                            long errors) {
}
