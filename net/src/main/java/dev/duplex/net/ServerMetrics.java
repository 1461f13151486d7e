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
 *                            endpoint callbacks (onError included), accept hooks or HTTP handlers
 * @param bufferedBytes       memory held for peers now, counted against the memory budget: queued output (a
 *                            broadcast counted per recipient) and input of messages still arriving
 * @param memoryBudget        the memory budget (bytes)
 * @param connectionsShed     connections closed for the memory budget or the per-connection output cap (1013
 *                            or 1009)
 * @param connectionsRejected connections refused with 503 for the global or per-address connection limit
 * @param handshakeTimeouts   connections dropped for not completing TLS and the HTTP request in time
 * @param readTimeouts        sessions closed (1008) because a message stopped arriving midway
 * @param writeTimeouts       sessions closed (1013) because the socket took none of their output for too long
 * @param acceptFailures      failed accepts (out of file descriptors), each followed by an accept back-off
 * @param loopsNotTurning     event loops stalled or dead now (see {@link WebSocketServer#health()})
 */
public record ServerMetrics(int openConnections, int openSessions, long acceptedConnections, long messagesIn,
                            long messagesOut, long bytesIn, long bytesOut, long queuedBytes, long httpRequests,
                            long errors, long bufferedBytes, long memoryBudget, long connectionsShed,
                            long connectionsRejected, long handshakeTimeouts, long readTimeouts, long writeTimeouts,
                            long acceptFailures, int loopsNotTurning) {
}
