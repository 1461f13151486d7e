package dev.duplex.net;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server-wide budget for memory held on behalf of peers: output queued and not yet written (including sends
 * handed to a loop and not queued yet) and input buffered for messages still arriving. Connections report their
 * changes as additions (a {@link LongAdder}, so the per-message cost is an uncontended add); when the sum passes the
 * limit, one thread at a time runs a shedding pass that closes the connections holding the most until the projected
 * use is back under three quarters of the limit. Those connections get 1013 (their output backlog, which is
 * discarded so the close frame goes out at once) or 1009 (input too big), and everyone else keeps being served.
 *
 * <p><b>Threading:</b> thread-safe. The pass reads other loops' connections through volatile fields and closes them
 * by hopping to their loops.
 */
final class MemoryBudget {
    private static final long MIN_PASS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final long limit;
    private final Iterable<ServerConnection> connections;
    private final Iterable<HeldMemory> holders;
    private final OverloadCounters counters;
    private final LongAdder used = new LongAdder();
    private final AtomicBoolean passRunning = new AtomicBoolean();
    private final AtomicBoolean recheckScheduled = new AtomicBoolean();
    private volatile long nextPassNanos = System.nanoTime();

    MemoryBudget(long limit, Iterable<ServerConnection> connections, OverloadCounters counters) {
        this(limit, connections, java.util.List.of(), counters);
    }

    MemoryBudget(long limit, Iterable<ServerConnection> connections, Iterable<HeldMemory> holders,
                 OverloadCounters counters) {
        this.limit = limit;
        this.connections = connections;
        this.holders = holders;
        this.counters = counters;
    }

    long limit() {
        return limit;
    }

    long used() {
        return used.sum();
    }

    void add(long delta) {
        used.add(delta);
    }

    /**
     * After a connection's holding grew: sheds if the budget is exceeded. A pass is skipped while another runs or
     * within 5 ms of the last one; then, when called on a loop thread ({@code loop} is that loop), a later check is
     * scheduled there, so that pressure left by the last read of a burst is not forgotten. Off-loop callers pass
     * null: their hand-off to the loop accounts (and so checks) again.
     */
    void grew(EventLoop loop) {
        if (used.sum() > limit) {
            shed(loop);
        }
    }

    private void shed(EventLoop loop) {
        long now = System.nanoTime();
        if (now - nextPassNanos < 0 || !passRunning.compareAndSet(false, true)) {
            if (loop != null && recheckScheduled.compareAndSet(false, true)) {
                loop.schedule(MIN_PASS_INTERVAL_NANOS, () -> {
                    recheckScheduled.set(false);
                    grew(loop);
                });
            }
            return;
        }
        try {
            List<Candidate> candidates = new ArrayList<>();
            long releasing = 0;
            for (ServerConnection c : connections) {
                long held = c.heldBytes();
                if (c.isShed()) {
                    releasing += held;
                } else if (held > 0) {
                    candidates.add(new Candidate(c, null, held));
                }
            }
            for (HeldMemory h : holders) {
                long held = h.bytes();
                if (h.isShed()) {
                    releasing += held;
                } else if (held > 0) {
                    candidates.add(new Candidate(null, h, held));
                }
            }
            long excess = used.sum() - releasing - limit / 4 * 3;
            if (excess > 0) {
                candidates.sort((a, b) -> Long.compare(b.held, a.held)); // held values are a snapshot
                for (Candidate c : candidates) {
                    if (excess <= 0) {
                        break;
                    }
                    if (c.connection != null ? c.connection.shed("server memory budget exceeded") : c.holder.shed()) {
                        counters.shed.increment();
                        excess -= c.held;
                    }
                }
            }
        } finally {
            nextPassNanos = System.nanoTime() + MIN_PASS_INTERVAL_NANOS;
            passRunning.set(false);
        }
    }

    /** A connection or an application's {@link HeldMemory}: one of the two is null. */
    private record Candidate(ServerConnection connection, HeldMemory holder, long held) {
    }
}
