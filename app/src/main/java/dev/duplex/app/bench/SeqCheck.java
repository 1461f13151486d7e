package dev.duplex.app.bench;

/**
 * Hub mode: one subscriber's check of the topic's sequence numbers. After {@code subscribed} (whose {@code seq} is
 * the topic's newest), the subscriber must receive every later seq once, in increasing order. A seq beyond the next
 * one counts the ones skipped as lost; if one of those arrives later it counts as out of order instead; a seq
 * received before counts as a duplicate. Seqs skipped more than {@value #WINDOW} behind the newest stay lost, and
 * an old seq beyond that window counts as a duplicate. Written by the subscriber's loop thread only; read by
 * others after that thread ended.
 */
final class SeqCheck {
    static final int WINDOW = 1024;

    /** Bit {@code seq % WINDOW} set: that seq, below {@link #expected}, has not arrived. */
    private final long[] missing = new long[WINDOW / 64];
    private long expected = -1;
    private long lost;
    private long duplicated;
    private long outOfOrder;
    private boolean closedEarly;

    /** The subscription is confirmed: {@code newest} is the topic's newest seq, the next is expected. */
    void subscribed(long newest) {
        expected = newest + 1;
    }

    boolean started() {
        return expected >= 0;
    }

    /** The connection closed before the run ended: what was not received by then is not counted as lost. */
    void closedEarly() {
        closedEarly = true;
    }

    /** The seq that would come next in order. */
    long expected() {
        return expected;
    }

    /** Checks {@code seq}; returns false for a duplicate (which the caller does not count as a delivery). */
    boolean received(long seq) {
        if (seq == expected) {
            clear(seq);
            expected++;
        } else if (seq > expected) {
            long skipped = seq - expected;
            lost += skipped;
            for (long s = Math.max(expected, seq - WINDOW + 1); s < seq; s++) {
                set(s);
            }
            clear(seq);
            expected = seq + 1;
        } else if (seq > expected - WINDOW && isSet(seq)) {
            clear(seq);
            lost--;
            outOfOrder++;
        } else {
            duplicated++;
            return false;
        }
        return true;
    }

    /** The server said seqs {@code from..to} are no longer kept: they are lost to this subscriber. */
    void gap(long from, long to) {
        if (to >= expected) {
            lost += to - Math.max(from, expected) + 1;
            expected = to + 1;
        }
    }

    /** At the end: every seq up to {@code newest} should have arrived; the ones still due are lost. */
    void end(long newest) {
        if (started() && !closedEarly && newest >= expected) {
            lost += newest - expected + 1;
            expected = newest + 1;
        }
    }

    long lost() {
        return lost;
    }

    long duplicated() {
        return duplicated;
    }

    long outOfOrder() {
        return outOfOrder;
    }

    private void set(long seq) {
        int bit = (int) (seq % WINDOW);
        missing[bit >>> 6] |= 1L << bit;
    }

    private void clear(long seq) {
        int bit = (int) (seq % WINDOW);
        missing[bit >>> 6] &= ~(1L << bit);
    }

    private boolean isSet(long seq) {
        int bit = (int) (seq % WINDOW);
        return (missing[bit >>> 6] & 1L << bit) != 0;
    }
}
