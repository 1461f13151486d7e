package dev.duplex.app.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What the subscribers of a fanout run share with the publishers, across loop threads: for each publisher a ring of
 * K delivery counters (one per message in flight), so that a message is complete once every live subscriber has
 * received it, and the publisher may send the next. Thread-safe.
 */
final class FanoutState {
    private final int window;
    private final AtomicIntegerArray delivered;
    private final AtomicReferenceArray<PublisherWorkload> publishers;
    private final AtomicInteger liveSubscribers = new AtomicInteger();
    private final AtomicInteger joined = new AtomicInteger();

    FanoutState(int publishers, int window) {
        this.window = window;
        this.delivered = new AtomicIntegerArray(publishers * window);
        this.publishers = new AtomicReferenceArray<>(publishers);
    }

    void register(int publisher, PublisherWorkload workload) {
        publishers.set(publisher, workload);
    }

    int publishers() {
        return publishers.length();
    }

    void subscriberOpened() {
        liveSubscribers.incrementAndGet();
    }

    void subscriberClosed(boolean wasJoined) {
        liveSubscribers.decrementAndGet();
        if (wasJoined) {
            joined.decrementAndGet();
        }
    }

    int liveSubscribers() {
        return liveSubscribers.get();
    }

    void subscriberJoined() {
        joined.incrementAndGet();
    }

    int joinedSubscribers() {
        return joined.get();
    }

    /** A publisher is about to send message {@code sequence}: its counter starts at zero. */
    void published(int publisher, long sequence) {
        delivered.set(slot(publisher, sequence), 0);
    }

    /** A subscriber received {@code sequence} from {@code publisher}. */
    void delivered(int publisher, long sequence) {
        if (publisher < 0 || publisher >= publishers.length()) {
            throw new IllegalArgumentException("message from unknown publisher " + publisher);
        }
        int count = delivered.incrementAndGet(slot(publisher, sequence));
        if (count >= liveSubscribers.get()) {
            publishers.get(publisher).completedThrough(sequence);
        }
    }

    /** Whether every publisher that opened has nothing in flight any more (or is closed). */
    boolean drained() {
        for (int i = 0; i < publishers.length(); i++) {
            PublisherWorkload p = publishers.get(i);
            if (p != null && !p.drained()) {
                return false;
            }
        }
        return true;
    }

    /** Whether every live subscriber has received {@code sequence} (for rechecks after a subscriber left). */
    boolean complete(int publisher, long sequence) {
        return delivered.get(slot(publisher, sequence)) >= liveSubscribers.get();
    }

    private int slot(int publisher, long sequence) {
        return publisher * window + (int) (sequence % window);
    }
}
