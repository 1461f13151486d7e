package dev.duplex.app.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One selector thread of an attack and the connections it owns (every {@code threads}-th of them): it opens them,
 * at most a few attempts at a time, lets each attack as soon as it can, keeps the slowloris and rate timers, and
 * when told to stop lets every survivor read for up to {@link #DRAIN_NANOS} to see whether the server ended it,
 * then counts the rest as still open ({@link AttackConnection#finish()}) and closes them.
 *
 * <p>Threading: {@link #stop()}, {@link #stats()}'s counters, {@link #live()} and {@link #ended()} may be used from
 * other threads; everything else runs on the loop thread.
 */
final class AttackLoop implements Runnable {
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int READ_BUFFER_BYTES = 256 * 1024;
    /** How long connections read at the end of the attack to see how the server ended them. */
    static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final int number;
    private final AttackPlan plan;
    private final InetSocketAddress target;
    private final ErrorLog errors;
    private final ByteBuffer frames;
    private final int framesPerWrite;
    private final int frameLength;
    private final ByteBuffer partialFrame;
    private final Selector selector;
    private final Thread thread;
    private final AttackStats stats = new AttackStats();
    private final List<AttackConnection> connections = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final Random random = new Random();
    private final Consumer<SelectionKey> onKey = this::onKey;
    private final PriorityQueue<AttackConnection> timers =
            new PriorityQueue<>((a, b) -> Long.compare(a.timerDue - b.timerDue, 0));
    private final long timeoutNanos;
    private final long intervalNanos;
    private final double ratePerConnection;
    private final int maxAttempting;

    private volatile boolean stopping;
    private volatile int live;
    private volatile int ended;
    private volatile int attempted;
    private long now;
    private int nextToConnect;
    private int attempting;
    private long nextSweep;

    /**
     * @param frames         slowread, flood: {@code framesPerWrite} identical frames, shared read-only
     * @param partialFrame   partial: the frame header and all but the last payload byte, shared read-only
     */
    AttackLoop(int number, AttackPlan plan, InetSocketAddress target, ErrorLog errors, ByteBuffer frames,
               int framesPerWrite, ByteBuffer partialFrame) {
        this.number = number;
        this.plan = plan;
        this.target = target;
        this.errors = errors;
        this.frames = frames;
        this.framesPerWrite = framesPerWrite;
        this.frameLength = frames == null ? 0 : frames.capacity() / framesPerWrite;
        this.partialFrame = partialFrame;
        this.timeoutNanos = plan.timeout().toNanos();
        this.intervalNanos = Math.max(1, plan.interval().toNanos());
        this.ratePerConnection = plan.rate() > 0 ? (double) plan.rate() / plan.connections() : 0;
        this.maxAttempting = Math.max(1, (plan.concurrency() + plan.threads() - 1) / plan.threads());
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a selector", e);
        }
        for (int i = number; i < plan.connections(); i += plan.threads()) {
            connections.add(new AttackConnection(this, plan.mode(),
                    plan.sources().isEmpty() ? null : plan.sources().forConnection(i)));
        }
        this.thread = new Thread(this, "duplex-attack-" + number);
        thread.setDaemon(true);
    }

    // ---------------------------------------------------------------------------------------- other threads

    Thread thread() {
        return thread;
    }

    void start() {
        thread.start();
    }

    AttackStats stats() {
        return stats;
    }

    /** Connections attacking now. */
    int live() {
        return live;
    }

    /** Connections attempted so far. */
    int attempted() {
        return attempted;
    }

    /** Connections that have ended (any fate) so far. */
    int ended() {
        return ended;
    }

    /** Connections this loop owns. */
    int size() {
        return connections.size();
    }

    /** Ends the attack: the loop looks at and closes every connection, then its thread ends. */
    void stop() {
        stopping = true;
        selector.wakeup();
    }

    // ----------------------------------------------------------------------------------------- loop thread

    @Override
    public void run() {
        try {
            now = System.nanoTime();
            nextSweep = now + SWEEP_NANOS;
            while (!stopping) {
                step();
            }
            drain();
        } catch (IOException | RuntimeException e) {
            errors.record(ErrorKind.PROTOCOL, "the attack loop failed: " + e);
        } finally {
            now = System.nanoTime();
            for (AttackConnection c : connections) {
                c.finish();
            }
            try {
                selector.close();
            } catch (IOException e) {
                // ending anyway
            }
        }
    }

    private void step() throws IOException {
        startConnects();
        selector.select(onKey, Math.max(1, TimeUnit.NANOSECONDS.toMillis(selectTimeout())));
        now = System.nanoTime();
        while (!timers.isEmpty() && timers.peek().timerDue - now <= 0) {
            AttackConnection c = timers.poll();
            c.timerDue = Long.MIN_VALUE;
            c.onTimer();
        }
        if (now >= nextSweep) {
            nextSweep = now + SWEEP_NANOS;
            for (AttackConnection c : connections) {
                c.checkTimeouts(now, timeoutNanos);
            }
        }
    }

    /**
     * The attack is over: every connection stops writing and reads, for at most {@link #DRAIN_NANOS}, so that a
     * server's close frame, end of stream or reset queued behind data a connection never read still shows.
     */
    private void drain() throws IOException {
        now = System.nanoTime();
        long end = now + DRAIN_NANOS;
        for (AttackConnection c : connections) {
            c.startDrain();
        }
        while (ended < attempted && now - end < 0) {
            selector.select(onKey, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - now)));
            now = System.nanoTime();
        }
    }

    private long selectTimeout() {
        long until = nextSweep - now;
        if (!timers.isEmpty()) {
            until = Math.min(until, timers.peek().timerDue - now);
        }
        return Math.max(0, until);
    }

    private void startConnects() {
        while (attempting < maxAttempting && nextToConnect < connections.size() && !stopping) {
            attempting++;
            attempted = nextToConnect + 1;
            connections.get(nextToConnect++).connect(System.nanoTime());
        }
    }

    private void onKey(SelectionKey key) {
        now = System.nanoTime();
        AttackConnection c = (AttackConnection) key.attachment();
        if (!key.isValid()) {
            return;
        }
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
            c.onConnectable();
            return;
        }
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            c.onWritable();
        }
        if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
            c.onReadable(readBuffer);
        }
    }

    /** Calls {@code c.onTimer()} at {@code due}; at most one pending time per connection. */
    void wakeAt(AttackConnection c, long due) {
        if (c.timerDue == Long.MIN_VALUE) {
            c.timerDue = due;
            timers.add(c);
        }
    }

    // ------------------------------------------------------------------------------------ for connections

    void connected() {
        stats.add(stats.connected, 1);
    }

    /** The connection's attempt is over and its attack begins. */
    void attackStarted() {
        attempting--;
        live++;
        stats.add(stats.attacking, 1);
    }

    void sent(long bytes, long frames) {
        if (bytes > 0) {
            stats.add(stats.bytesSent, bytes);
        }
        if (frames > 0) {
            stats.add(stats.framesSent, frames);
        }
    }

    void received(long bytes) {
        stats.add(stats.bytesReceived, bytes);
    }

    /** A connection ended; {@code heldNanos} is the time since its TCP connect, or -1 if it never connected. */
    void ended(Fate fate, boolean started, long heldNanos) {
        if (started) {
            live--;
        } else {
            attempting--;
        }
        ended++;
        stats.ended(fate, heldNanos);
    }

    AttackPlan plan() {
        return plan;
    }

    long now() {
        return now;
    }

    Selector selector() {
        return selector;
    }

    InetSocketAddress target() {
        return target;
    }

    URI url() {
        return plan.url();
    }

    Random random() {
        return random;
    }

    ErrorLog errors() {
        return errors;
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    ByteBuffer frames() {
        return frames;
    }

    int framesPerWrite() {
        return framesPerWrite;
    }

    int frameLength() {
        return frameLength;
    }

    ByteBuffer partialFrame() {
        return partialFrame;
    }

    long intervalNanos() {
        return intervalNanos;
    }

    double ratePerConnection() {
        return ratePerConnection;
    }

    @Override
    public String toString() {
        return "attack loop " + number;
    }
}
