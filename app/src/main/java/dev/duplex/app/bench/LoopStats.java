package dev.duplex.app.bench;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one selector loop measured. The histograms are written by the loop thread only and read by others after it
 * has ended; the counters are also read while it runs (progress lines), so they are atomics updated with ordered
 * (not fenced) stores by their single writer.
 */
final class LoopStats {
    /** Latencies above a minute are recorded as a minute. */
    static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Echo round trips, or fanout deliveries, in nanoseconds; measured window only. */
    final Histogram latency = new Histogram(MAX_NANOS, 3);
    /** Hub mode with ack: publish to ack, in nanoseconds; measured window only. */
    final Histogram ackLatency = new Histogram(MAX_NANOS, 3);
    /** Hub mode: delivery latency by the subscriber's URL (index in the plan's URLs); measured window only. */
    final Histogram[] latencyByUrl;
    /** Connect plus upgrade time of every connection opened. */
    final Histogram handshake = new Histogram(MAX_NANOS, 3);
    /** Echo: round trips completed; fanout: deliveries to subscribers; measured window only. */
    final AtomicLong messages = new AtomicLong();
    /** Payload bytes of {@link #messages}. */
    final AtomicLong bytes = new AtomicLong();
    /** Fanout: messages every subscriber received (completed), measured window only. */
    final AtomicLong published = new AtomicLong();
    final AtomicLong opened = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    /** {@link System#nanoTime()} when the last connection of this loop opened or failed, 0 before. */
    volatile long lastSettledNanos;

    void recordLatency(long nanos) {
        latency.recordValue(Math.min(Math.max(nanos, 0), MAX_NANOS));
    }

    void recordMessage(int payloadBytes, long latencyNanos) {
        recordLatency(latencyNanos);
        messages.lazySet(messages.get() + 1);
        bytes.lazySet(bytes.get() + payloadBytes);
    }

    /** @param urls how many URLs the subscribers are spread over */
    LoopStats(int urls) {
        latencyByUrl = new Histogram[urls];
        for (int i = 0; i < urls; i++) {
            latencyByUrl[i] = new Histogram(MAX_NANOS, 3);
        }
    }

    /** Hub mode: a delivery to a subscriber on URL number {@code url}. */
    void recordDelivery(int url, int payloadBytes, long latencyNanos) {
        recordMessage(payloadBytes, latencyNanos);
        latencyByUrl[url].recordValue(Math.min(Math.max(latencyNanos, 0), MAX_NANOS));
    }

    void recordAck(long nanos) {
        ackLatency.recordValue(Math.min(Math.max(nanos, 0), MAX_NANOS));
    }

    void recordPublished(long count) {
        published.lazySet(published.get() + count);
    }

    void recordOpened(long connectNanos, long now) {
        handshake.recordValue(Math.min(Math.max(connectNanos, 0), MAX_NANOS));
        opened.lazySet(opened.get() + 1);
        lastSettledNanos = now;
    }

    void recordFailedAttempt(long now) {
        failed.lazySet(failed.get() + 1);
        lastSettledNanos = now;
    }

    /** Starts the measured window: forgets what the warm-up recorded. */
    void resetWindow() {
        latency.reset();
        ackLatency.reset();
        for (Histogram h : latencyByUrl) {
            h.reset();
        }
        messages.lazySet(0);
        bytes.lazySet(0);
        published.lazySet(0);
    }
}
