package dev.duplex.app.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fanout mode, a publisher: keeps at most K messages outstanding, where a message is outstanding until every live
 * subscriber has received it (flow control by the slowest subscriber, so "as fast as they can take it" measures
 * delivery rather than how much the server can buffer). Each message carries a {@link FanoutStamp} written into a
 * pre-encoded, pre-masked frame in place. Copies the server sends back to the publisher are read and ignored.
 *
 * <p>Completions are reported by subscribers on any loop thread ({@link #completedThrough}); everything else runs
 * on this publisher's loop thread.
 */
final class PublisherWorkload implements Workload {
    static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final BenchLoop loop;
    private final FanoutState fanout;
    private final int id;
    private final int window;
    private final ByteBuffer frames;
    private final int frameLength;
    private final int headerLength;
    private final int copies;
    private final long[] sendTimes;
    private final RatePacer pacer;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private BenchConnection connection;
    private long nextSequence;
    private boolean active;
    private boolean probing;
    private long nextProbeAt;
    private long countedThrough;
    private long budget = -1;
    private long budgetStart;
    private boolean budgetDone;

    PublisherWorkload(BenchLoop loop, FanoutState fanout, int id, int window, int size, boolean text, double rate) {
        this.loop = loop;
        this.fanout = fanout;
        this.id = id;
        this.window = window;
        this.copies = Math.min(window, Math.max(1, (1 << 20) / MaskedFrames.frameLength(size)));
        this.frames = MaskedFrames.repeated(text, MaskedFrames.filler(size, FanoutStamp.LENGTH), copies);
        this.frameLength = MaskedFrames.frameLength(size);
        this.headerLength = MaskedFrames.headerLength(size);
        this.sendTimes = new long[window];
        this.pacer = new RatePacer(rate);
        fanout.register(id, this);
    }

    void attach(BenchConnection connection) {
        this.connection = connection;
    }

    BenchConnection connection() {
        return connection;
    }

    /** Join phase: send a probe every {@value #PROBE_INTERVAL_NANOS} ns until the load starts. */
    void startProbing() {
        probing = true;
    }

    @Override
    public void start(long now) {
        probing = false;
        active = true;
        pacer.start(now);
    }

    @Override
    public ByteBuffer nextBytes(long now) {
        if (probing) {
            if (now < nextProbeAt) {
                return null;
            }
            nextProbeAt = now + PROBE_INTERVAL_NANOS;
            frames.clear();
            FanoutStamp.writeMasked(frames, headerLength, now, FanoutStamp.PROBE, 0);
            frames.limit(frameLength).position(0);
            return frames;
        }
        if (!active) {
            return null;
        }
        long done = collectCompletions();
        long outstanding = nextSequence - done;
        long wanted = window - outstanding;
        if (budget >= 0) {
            wanted = Math.min(wanted, budget - (done - budgetStart) - outstanding);
        }
        int n = pacer.allowance(now, (int) Math.min(wanted, copies));
        if (n <= 0) {
            return null;
        }
        frames.clear();
        for (int i = 0; i < n; i++) {
            long sequence = nextSequence++;
            long sentAt = pacer.nextSendTime(now);
            sendTimes[(int) (sequence % window)] = sentAt;
            fanout.published(id, sequence);
            FanoutStamp.writeMasked(frames, i * frameLength + headerLength, sentAt, id, sequence);
        }
        frames.limit(n * frameLength).position(0);
        return frames;
    }

    /** Called from any thread: every subscriber has received messages up to {@code sequence}. */
    void completedThrough(long sequence) {
        long target = sequence + 1;
        while (true) {
            long current = completed.get();
            if (current >= target) {
                return;
            }
            if (completed.compareAndSet(current, target)) {
                break;
            }
        }
        if (signalled.compareAndSet(false, true)) {
            loop.signal();
        }
    }

    /** Loop thread: clears and returns whether completions arrived since the last call. */
    boolean takeSignal() {
        return signalled.getAndSet(false);
    }

    /** Counts new completions into the window's statistics and the budget; returns messages completed so far. */
    private long collectCompletions() {
        long done = completed.get();
        if (done > countedThrough) {
            if (loop.measuring()) {
                loop.stats().recordPublished(done - countedThrough);
            }
            countedThrough = done;
        }
        if (budget >= 0 && done - budgetStart >= budget) {
            finishBudget();
        }
        return done;
    }

    @Override
    public String onMessage(ByteBuffer data, long now) {
        return null; // the server's copy of our own message, if it sends one
    }

    @Override
    public boolean waitingForRate() {
        return pacer.waiting() || probing;
    }

    @Override
    public long dueNanos() {
        return probing ? nextProbeAt : pacer.nextDue();
    }

    @Override
    public boolean timedOut(long now, long timeoutNanos) {
        // a subscriber that left may have been the last one a message waited for
        long done = completed.get();
        long through = done;
        while (through < nextSequence && fanout.complete(id, through)) {
            through++;
        }
        if (through > done) {
            completedThrough(through - 1);
        }
        return through < nextSequence && now - sendTimes[(int) (through % window)] > timeoutNanos;
    }

    @Override
    public boolean budgeted() {
        return true;
    }

    @Override
    public void assignBudget(long messages) {
        budgetStart = completed.get();
        budget = messages;
        if (messages == 0) {
            finishBudget();
        }
    }

    /** The measured window starts: completions before now are not counted. */
    void startWindow() {
        countedThrough = completed.get();
    }

    @Override
    public void onClosed() {
        active = false;
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
