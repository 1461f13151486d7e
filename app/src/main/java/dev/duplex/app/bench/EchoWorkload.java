package dev.duplex.app.bench;

import java.nio.ByteBuffer;

/**
 * Echo mode: keeps up to K identical messages in flight and expects each back, in order. The send times wait in a
 * ring (first in, first out), so a reply's latency is the time since the oldest message still out; the reply must
 * have the size sent. Sending is one write of up to K pre-encoded frames from a buffer shared read-only by every
 * connection: nothing is allocated or encoded per message.
 */
final class EchoWorkload implements Workload {
    private final BenchLoop loop;
    private final ByteBuffer frames;
    private final int frameLength;
    private final int copies;
    private final int window;
    private final int size;
    private final long[] sendTimes;
    private final int mask;
    private final RatePacer pacer;
    private int head;
    private int inFlight;
    private boolean active;
    private long budget = -1;
    private long completed;
    private boolean budgetDone;

    /**
     * @param template {@code copies} identical frames of a {@code size}-byte payload, shared read-only
     * @param window   messages in flight at most
     * @param rate     this connection's messages per second, 0 for no cap
     */
    EchoWorkload(BenchLoop loop, ByteBuffer template, int copies, int window, int size, double rate) {
        this.loop = loop;
        this.frames = template.duplicate();
        this.frameLength = template.capacity() / copies;
        this.copies = copies;
        this.window = window;
        this.size = size;
        int ring = Integer.highestOneBit(Math.max(1, window - 1)) << 1;
        this.sendTimes = new long[ring];
        this.mask = ring - 1;
        this.pacer = new RatePacer(rate);
    }

    @Override
    public void start(long now) {
        active = true;
        pacer.start(now);
    }

    @Override
    public ByteBuffer nextBytes(long now) {
        if (!active) {
            return null;
        }
        int n = window - inFlight;
        if (budget >= 0) {
            n = (int) Math.min(n, budget - completed - inFlight);
        }
        n = pacer.allowance(now, Math.min(n, copies));
        if (n <= 0) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            sendTimes[(head + inFlight + i) & mask] = pacer.nextSendTime(now);
        }
        inFlight += n;
        frames.limit(n * frameLength).position(0);
        return frames;
    }

    @Override
    public String onMessage(ByteBuffer data, long now) {
        if (inFlight == 0) {
            return "a message arrived that was not an echo of one sent";
        }
        if (data.remaining() != size) {
            return "echo of " + data.remaining() + " bytes to a message of " + size;
        }
        long sent = sendTimes[head];
        head = (head + 1) & mask;
        inFlight--;
        if (loop.measuring()) {
            loop.stats().recordMessage(size, now - sent);
            if (budget >= 0 && ++completed == budget) {
                finishBudget();
            }
        }
        return null;
    }

    @Override
    public boolean waitingForRate() {
        return pacer.waiting();
    }

    @Override
    public long dueNanos() {
        return pacer.nextDue();
    }

    @Override
    public boolean timedOut(long now, long timeoutNanos) {
        return inFlight > 0 && now - sendTimes[head] > timeoutNanos;
    }

    @Override
    public boolean budgeted() {
        return true;
    }

    @Override
    public void assignBudget(long messages) {
        budget = messages;
        completed = 0;
        if (messages == 0) {
            finishBudget();
        }
    }

    @Override
    public void onClosed() {
        if (budget >= 0) {
            finishBudget();
        }
    }

    private void finishBudget() {
        if (!budgetDone) {
            budgetDone = true;
            loop.budgetDone();
        }
    }
}
