package dev.duplex.hub;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.event.command.CommandFailedEvent;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.protocol.ProtocolKeyword;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The figures behind {@link ClusterMetrics}, fed by Lettuce on its I/O threads (round trips through its latency
 * hook, failures through its command listener) and by {@link RedisSharedLog} (links, messages). Thread-safe,
 * lock-free; each record is a few adder increments.
 */
final class RedisStats implements CommandLatencyRecorder, CommandListener {
    private static final long[] BOUNDS_NANOS = ClusterMetrics.ROUND_TRIP_BOUNDS_SECONDS.stream()
            .mapToLong(s -> Math.round(s * 1e9)).toArray();

    private final String nodeId;
    private final LongAdder[] buckets = new LongAdder[BOUNDS_NANOS.length];
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder roundTripNanos = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesRead = new LongAdder();
    /** Both down until {@link #opened}: a node that never reached Redis is unreachable since it was built. */
    private volatile boolean commandLinkUp;
    private volatile boolean pubSubLinkUp;
    /** System.nanoTime() when a link dropped (or the stats were made, until opened); 0 while both are up. */
    private final AtomicLong linkDownSince = new AtomicLong(System.nanoTime());
    /** System.nanoTime() of the first command lost for want of Redis since its last answer; 0 if none. */
    private final AtomicLong failingSince = new AtomicLong();

    RedisStats(String nodeId) {
        this.nodeId = nodeId;
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    @Override
    public void recordCommandLatency(SocketAddress local, SocketAddress remote, ProtocolKeyword commandType,
                                     long firstResponseLatency, long completionLatency) {
        roundTrips.increment();
        roundTripNanos.add(completionLatency);
        for (int i = 0; i < BOUNDS_NANOS.length; i++) {
            if (completionLatency <= BOUNDS_NANOS[i]) {
                buckets[i].increment();
                break;
            }
        }
        failingSince.set(0); // Redis answered
    }

    @Override
    public void commandFailed(CommandFailedEvent event) {
        Throwable cause = event.getCause();
        if (cause instanceof RedisNoScriptException) {
            return; // answered by sending the script itself
        }
        errors.increment();
        if (cause instanceof RedisCommandTimeoutException) {
            timeouts.increment();
        }
        if (!(cause instanceof RedisCommandExecutionException)) { // an error reply proves Redis reachable
            failingSince.compareAndSet(0, System.nanoTime());
        }
    }

    /** Both connections are established for the first time (not a reconnect). */
    void opened() {
        commandLinkUp = true;
        pubSubLinkUp = true;
        linkDownSince.set(0);
    }

    /** A connection dropped ({@code up} false) or came back. */
    void link(boolean pubSub, boolean up) {
        boolean was = pubSub ? pubSubLinkUp : commandLinkUp;
        if (pubSub) {
            pubSubLinkUp = up;
        } else {
            commandLinkUp = up;
        }
        if (!up) {
            linkDownSince.compareAndSet(0, System.nanoTime());
        } else {
            if (!was) {
                reconnects.increment();
            }
            if (commandLinkUp && pubSubLinkUp) {
                linkDownSince.set(0);
            }
        }
    }

    ClusterMetrics snapshot() {
        List<Long> cumulative = new ArrayList<>(buckets.length);
        long sum = 0;
        for (LongAdder b : buckets) {
            sum += b.sum();
            cumulative.add(sum);
        }
        long now = System.nanoTime();
        long since = earliest(linkDownSince.get(), failingSince.get());
        long unreachable = since == 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(now - since));
        return new ClusterMetrics(nodeId, commandLinkUp, pubSubLinkUp, unreachable, reconnects.sum(), errors.sum(),
                timeouts.sum(), roundTrips.sum(), roundTripNanos.sum(), cumulative, messagesOut.sum(),
                messagesIn.sum(), messagesRead.sum());
    }

    private static long earliest(long a, long b) {
        if (a == 0) {
            return b;
        }
        if (b == 0) {
            return a;
        }
        return a - b < 0 ? a : b;
    }
}
