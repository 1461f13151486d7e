package dev.duplex.net;

import dev.duplex.core.EngineConfig;

/**
 * The tuning of a running {@link WebSocketServer}, fixed at build time; durations in nanoseconds, 0 meaning off
 * where noted. Immutable.
 */
record ServerSettings(
        EngineConfig engineConfig,
        long handshakeTimeoutNanos,
        /* 0: off */ long idleTimeoutNanos,
        /* 0: off */ long pingIntervalNanos,
        long pongTimeoutNanos,
        long closeTimeoutNanos,
        long highWaterMark,
        long lowWaterMark,
        BackpressurePolicy backpressurePolicy,
        int maxHeadBytes,
        int maxHeaderFields) {
}
