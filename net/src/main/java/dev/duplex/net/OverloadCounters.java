package dev.duplex.net;

import java.util.concurrent.atomic.LongAdder;

/** What the overload guards did, for {@link ServerMetrics}; any thread. */
final class OverloadCounters {
    /** Connections closed for the memory budget or their own buffer cap (1013 or 1009). */
    final LongAdder shed = new LongAdder();
    /** Connections refused with 503 for the connection limits. */
    final LongAdder rejected = new LongAdder();
    final LongAdder handshakeTimeouts = new LongAdder();
    final LongAdder readTimeouts = new LongAdder();
    final LongAdder writeTimeouts = new LongAdder();
    final LongAdder acceptFailures = new LongAdder();
}
