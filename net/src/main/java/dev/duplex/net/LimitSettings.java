package dev.duplex.net;

/**
 * The overload limits of a running {@link WebSocketServer}, fixed at build time; durations in nanoseconds, 0
 * meaning off where noted. Immutable.
 */
record LimitSettings(
        long memoryBudget,
        long maxBufferedPerConnection,
        /* 0: off */ long readTimeoutNanos,
        /* 0: off */ long writeTimeoutNanos,
        /* 0: off */ int maxConnections,
        /* 0: off */ int maxConnectionsPerAddress,
        long watchdogStallNanos) {

    /** How often a connection checks read progress and write stalls: half the shorter timeout, at least 50 ms. */
    long progressCheckNanos() {
        long shorter = readTimeoutNanos == 0 ? writeTimeoutNanos
                : writeTimeoutNanos == 0 ? readTimeoutNanos : Math.min(readTimeoutNanos, writeTimeoutNanos);
        return shorter == 0 ? 0 : Math.max(50_000_000L, shorter / 2);
    }
}
