package dev.duplex.app.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fanout and hub mode, a publisher: keeps at most K messages outstanding, where a message is outstanding until every live
 * subscriber has received it (flow control by the slowest subscriber, so "as fast as they can take it" measures
 * delivery rather than how much the server can buffer). Each message carries a {@link FanoutStamp} written into a
 * pre-encoded, pre-masked frame in place: the whole payload in fanout, the data string of a hub publish request in
 * hub mode (whose id, with {@code --ack}, is the message's sequence number in hex, and whose message then also
 * stays outstanding until acked). Copies the server sends back to the publisher are read and ignored; in hub mode
 * an {@code error} reply fails the connection.
 *
 * <p>Completions are reported by subscribers on any loop thread ({@link #completedThrough}); everything else runs
 * on this publisher's loop thread.
 */
final class PublisherWorkload implements Workload {
    static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** The id of a probe's publish request (a message's id is its sequence number, far below this). */
    static final long PROBE_ID = (1L << 4 * HubFrames.ID_DIGITS) - 1;

    private final BenchLoop loop;
    private final FanoutState fanout;
    private final int id;
    private final int window;
    private final ByteBuffer frames;
    private final int frameLength;
    private final int headerLength;
    private final int stampOffset;
    private final int idOffset;
    private final boolean hub;
    private final int copies;
    private final long[] sendTimes;
    private final RatePacer pacer;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private BenchConnection connection;
    private long nextSequence;
    /** Messages sent ({@link #nextSequence}), for other threads. */
    private volatile long sent;
    /** Hub with ack: acks received for messages (not probes). */
    private volatile long acked;
    private volatile boolean closed;
    private boolean active;
    private boolean probing;
    private long nextProbeAt;
    private long countedThrough;
    private long budget = -1;
    private long budgetStart;
    private boolean budgetDone;

    /** @param hub the hub publish request to send (hub mode), or null to send the stamp and filler (fanout) */
    PublisherWorkload(BenchLoop loop, FanoutState fanout, int id, int window, int size, boolean text, double rate,
                      HubFrames.Publish hub) {
        this.loop = loop;
        this.fanout = fanout;
        this.id = id;
        this.window = window;
        this.hub = hub != null;
        byte[] payload = hub != null ? hub.payload() : MaskedFrames.filler(size, FanoutStamp.LENGTH);
        this.stampOffset = hub != null ? hub.stampOffset() : 0;
        this.idOffset = hub != null ? hub.idOffset() : -1;
        this.copies = Math.min(window, Math.max(1, (1 << 20) / MaskedFrames.frameLength(payload.length)));
        this.frames = MaskedFrames.repeated(text, payload, copies);
        this.frameLength = MaskedFrames.frameLength(payload.length);
        this.headerLength = MaskedFrames.headerLength(payload.length);
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
            FanoutStamp.writeMasked(frames, headerLength, stampOffset, now, FanoutStamp.PROBE, 0);
            if (idOffset >= 0) {
                FanoutStamp.putHex(frames, headerLength, idOffset, PROBE_ID, HubFrames.ID_DIGITS);
            }
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
            int payloadStart = i * frameLength + headerLength;
            FanoutStamp.writeMasked(frames, payloadStart, stampOffset, sentAt, id, sequence);
            if (idOffset >= 0) {
                FanoutStamp.putHex(frames, payloadStart, idOffset, sequence, HubFrames.ID_DIGITS);
            }
        }
        sent = nextSequence;
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

    /**
     * Counts new completions into the window's statistics and the budget; returns messages completed so far (with
     * ack: also acked).
     */
    private long collectCompletions() {
        long done = done();
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
        if (!hub) {
            return null; // the server's copy of our own message, if it sends one
        }
        if (HubFrames.typeIs(data, HubFrames.ACK)) {
            if (idOffset < 0) {
                return "an ack for a publish that did not ask for one: " + HubFrames.text(data);
            }
            int at = HubFrames.find(data, HubFrames.ID);
            long sequence;
            try {
                sequence = FanoutStamp.hex(data, at, HubFrames.ID_DIGITS);
            } catch (IllegalArgumentException e) {
                return "an ack with an id the bench did not send: " + HubFrames.text(data);
            }
            if (sequence == PROBE_ID) {
                return null;
            }
            if (sequence != acked) {
                return "acks out of order: the ack of message " + sequence + " came when " + acked + " of "
                        + nextSequence + " messages were acked: " + HubFrames.text(data);
            }
            acked = acked + 1;
            if (loop.measuring()) {
                loop.stats().recordAck(now - sendTimes[(int) (sequence % window)]);
            }
            return null;
        }
        if (HubFrames.typeIs(data, HubFrames.ERROR)) {
            return "the hub refused a publish: " + HubFrames.text(data);
        }
        return null; // welcome; our own messages if also subscribed
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
        long oldest = idOffset >= 0 ? Math.min(through, acked) : through;
        return oldest < nextSequence && now - sendTimes[(int) (oldest % window)] > timeoutNanos;
    }

    /** Messages delivered to every live subscriber (and, with ack, acked), counted from the first. */
    private long done() {
        return idOffset >= 0 ? Math.min(completed.get(), acked) : completed.get();
    }

    /** Hub mode, after the measured window: send nothing more, let what is in flight arrive. */
    void stopSending() {
        active = false;
    }

    /**
     * Any thread: every message sent has been delivered to every live subscriber (and acked, with ack), or the
     * connection is closed.
     */
    boolean drained() {
        if (closed) {
            return true;
        }
        long s = sent;
        return completed.get() >= s && (idOffset < 0 || acked >= s);
    }

    @Override
    public boolean budgeted() {
        return true;
    }

    @Override
    public void assignBudget(long messages) {
        budgetStart = done();
        budget = messages;
        if (messages == 0) {
            finishBudget();
        }
    }

    /** The measured window starts: completions before now are not counted. */
    void startWindow() {
        countedThrough = done();
    }

    @Override
    public void onClosed() {
        active = false;
        closed = true;
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
