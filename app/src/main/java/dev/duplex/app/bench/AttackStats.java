package dev.duplex.app.bench;

import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one attack loop saw happen to its connections. The counters are written by the loop thread only and also
 * read by others while it runs (progress lines); the maps and the histogram are read by others only after the loop
 * has ended.
 */
final class AttackStats {
    /** Connections that completed the TCP connect. */
    final AtomicLong connected = new AtomicLong();
    /** Connections that started attacking: upgraded (slowloris: connected). */
    final AtomicLong attacking = new AtomicLong();
    /** Connections ended, by {@link Fate}. */
    final AtomicLongArray fates = new AtomicLongArray(Fate.values().length);
    final AtomicLong framesSent = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong bytesReceived = new AtomicLong();
    /** Close codes the server sent, by code. */
    final Map<Integer, Long> closeCodes = new TreeMap<>();
    /** HTTP statuses of refused upgrades (and of any answer to a slowloris head), by status. */
    final Map<Integer, Long> httpStatuses = new TreeMap<>();
    /** Refusals that carried a Retry-After header. */
    long retryAfter;
    /** From TCP connect until the server ended the connection, for every {@link Fate#byServer()} end. */
    final Histogram held = new Histogram(LoopStats.MAX_NANOS, 3);

    void add(AtomicLong counter, long delta) {
        counter.lazySet(counter.get() + delta);
    }

    long fate(Fate fate) {
        return fates.get(fate.ordinal());
    }

    void ended(Fate fate, long heldNanos) {
        fates.lazySet(fate.ordinal(), fates.get(fate.ordinal()) + 1);
        if (fate.byServer() && heldNanos >= 0) {
            held.recordValue(Math.min(heldNanos, LoopStats.MAX_NANOS));
        }
    }

    void closeCode(int code) {
        closeCodes.merge(code, 1L, Long::sum);
    }

    void httpStatus(int status, boolean withRetryAfter) {
        httpStatuses.merge(status, 1L, Long::sum);
        if (withRetryAfter) {
            retryAfter++;
        }
    }
}
