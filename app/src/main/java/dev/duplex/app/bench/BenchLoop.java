package dev.duplex.app.bench;

import dev.duplex.core.BufferPool;
import dev.duplex.core.EngineConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One selector thread of a run and the connections it owns (every {@code threads}-th of them). It opens them, at
 * most a few at a time, follows the {@link Phase} that {@link Bench} sets, and drives each connection's
 * {@link Workload}: one read buffer for all its connections, no allocation per message.
 *
 * <p>Threading: {@link #phase(Phase)}, {@link #assignBudget}, {@link #signal()} and the {@link #stats()} counters
 * may be used from other threads; everything else runs on the loop thread.
 */
final class BenchLoop implements Runnable {
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int READ_BUFFER_BYTES = 256 * 1024;

    private final int number;
    private final BenchPlan plan;
    private final Targets targets;
    private final WorkloadFactory workloads;
    private final ErrorLog errors;
    private final CountDownLatch settled;
    private final Selector selector;
    private final Thread thread;
    private final LoopStats stats;
    private final List<BenchConnection> connections = new ArrayList<>();
    private final List<PublisherWorkload> publishers = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final BufferPool pool = new BufferPool(1024, 16, false);
    private final Random random = new Random();
    private final Consumer<SelectionKey> onKey = this::onKey;
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final long timeoutNanos;
    private final int maxAttempting;
    /** Connections waiting for a time (rate cap, probes), earliest first; select sleeps no longer than that. */
    private final PriorityQueue<BenchConnection> timers =
            new PriorityQueue<>((a, b) -> Long.compare(a.timerDue - b.timerDue, 0));

    private volatile Phase phase = Phase.CONNECT;
    private volatile boolean loadRequested;
    private volatile CountDownLatch windowOpen = new CountDownLatch(0);
    private volatile long budgetShare = -1;
    private volatile CountDownLatch budgets;
    private volatile int openBudgeted;
    private volatile int open;
    private Phase seen;
    private boolean measuring;
    private boolean loadStarted;
    private boolean windowAcknowledged;
    private long now;
    private int nextToConnect;
    private int attempting;
    private int budgetsLeft;
    private long nextSweep;

    BenchLoop(int number, BenchPlan plan, Targets targets, WorkloadFactory workloads, ErrorLog errors,
              CountDownLatch settled) {
        this.number = number;
        this.plan = plan;
        this.targets = targets;
        this.stats = new LoopStats(plan.urls().size());
        this.workloads = workloads;
        this.errors = errors;
        this.settled = settled;
        this.timeoutNanos = plan.timeout().toNanos();
        this.maxAttempting = Math.max(1, (plan.concurrency() + plan.threads() - 1) / plan.threads());
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a selector", e);
        }
        for (int i = number; i < plan.totalConnections(); i += plan.threads()) {
            URI url = plan.urlFor(i);
            connections.add(new BenchConnection(this, i,
                    plan.sources().isEmpty() ? null : plan.sources().forConnection(i), url, targets.of(url)));
        }
        this.thread = new Thread(this, "duplex-bench-" + number);
        thread.setDaemon(true);
    }

    // ---------------------------------------------------------------------------------------- other threads

    Thread thread() {
        return thread;
    }

    void start() {
        thread.start();
    }

    LoopStats stats() {
        return stats;
    }

    /** Connections open now. */
    int openConnections() {
        return open;
    }

    /** Open connections that a counted run gives messages to (echo connections, publishers). */
    int openBudgeted() {
        return openBudgeted;
    }

    /** Moves the loop to {@code next}; the loop acts on it at once. */
    void phase(Phase next) {
        phase = next;
        selector.wakeup();
    }

    /**
     * Opens the measured window: the loop forgets the warm-up's figures, takes its budget, counts from now on,
     * then counts {@code opened} down. Load already running (after a warm-up) goes on.
     */
    void openWindow(CountDownLatch opened) {
        windowOpen = opened;
        phase(Phase.MEASURE);
    }

    /** Starts the load if the warm-up did not: only once every loop counts, so no first delivery goes uncounted. */
    void requestLoad() {
        loadRequested = true;
        selector.wakeup();
    }

    /**
     * Before the measured window of a counted run: this loop's connections complete {@code messages} between them,
     * and {@code latch} is counted down once they have (or have failed).
     */
    void assignBudget(long messages, CountDownLatch latch) {
        budgets = latch;
        budgetShare = messages;
    }

    /** A publisher on this loop has new completions (called from any loop thread). */
    void signal() {
        if (signalled.compareAndSet(false, true) && Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    // ----------------------------------------------------------------------------------------- loop thread

    @Override
    public void run() {
        try {
            now = System.nanoTime();
            nextSweep = now + SWEEP_NANOS;
            while (step()) {
                // one select at a time
            }
        } catch (IOException | RuntimeException e) {
            errors.record(ErrorKind.PROTOCOL, "the bench loop failed: " + e);
        } finally {
            if (!windowAcknowledged) {
                windowOpen.countDown(); // ending early: nobody must wait for this loop's window
            }
            for (BenchConnection c : connections) {
                if (c.state() == BenchConnection.State.NEW) {
                    settled.countDown(); // never attempted: the loop is ending early
                }
                c.closeQuietly();
            }
            try {
                selector.close();
            } catch (IOException e) {
                // ending anyway
            }
        }
    }

    private boolean step() throws IOException {
        Phase p = phase;
        if (p != seen) {
            seen = p;
            if (!enter(p)) {
                return false;
            }
        }
        if (loadRequested && !loadStarted) {
            startLoad();
        }
        startConnects();
        selector.select(onKey, Math.max(1, TimeUnit.NANOSECONDS.toMillis(selectTimeout())));
        now = System.nanoTime();
        if (signalled.get()) {
            signalled.set(false);
            for (PublisherWorkload publisher : publishers) {
                if (publisher.takeSignal()) {
                    publisher.connection().flush();
                }
            }
        }
        while (!timers.isEmpty() && timers.peek().timerDue - now <= 0) {
            BenchConnection c = timers.poll();
            c.timerDue = Long.MIN_VALUE;
            c.flush();
        }
        if (now >= nextSweep) {
            nextSweep = now + SWEEP_NANOS;
            for (BenchConnection c : connections) {
                c.checkTimeouts(now, timeoutNanos);
            }
        }
        return true;
    }

    private long selectTimeout() {
        long until = nextSweep - now;
        if (!timers.isEmpty()) {
            until = Math.min(until, timers.peek().timerDue - now);
        }
        return Math.max(0, until);
    }

    /** Flushes {@code c} again at {@code due} (rate cap, probes); at most one pending time per connection. */
    void wakeAt(BenchConnection c, long due) {
        if (c.timerDue == Long.MIN_VALUE) {
            c.timerDue = due;
            timers.add(c);
        }
    }

    private void onKey(SelectionKey key) {
        now = System.nanoTime();
        BenchConnection c = (BenchConnection) key.attachment();
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

    /** Acts on a new phase; returns false when the loop must end. */
    private boolean enter(Phase p) {
        switch (p) {
            case JOIN -> {
                for (PublisherWorkload publisher : publishers) {
                    if (publisher == workloads.probeLeader()) {
                        publisher.startProbing();
                        publisher.connection().flush();
                    }
                }
            }
            case WARMUP -> startLoad();
            case MEASURE -> {
                measuring = true;
                stats.resetWindow();
                for (PublisherWorkload publisher : publishers) {
                    publisher.startWindow();
                }
                if (budgetShare >= 0) {
                    distributeBudget(budgetShare);
                }
                windowAcknowledged = true;
                windowOpen.countDown();
            }
            case DRAIN -> {
                measuring = false;
                for (PublisherWorkload publisher : publishers) {
                    publisher.stopSending();
                }
            }
            case HOLD -> measuring = false;
            case STOP -> {
                measuring = false;
                return false;
            }
            default -> {
            }
        }
        return true;
    }

    private void startLoad() {
        if (loadStarted) {
            return;
        }
        loadStarted = true;
        for (BenchConnection c : connections) {
            if (c.state() == BenchConnection.State.OPEN) {
                c.workload().start(now);
                c.flush();
            }
        }
    }

    private void distributeBudget(long share) {
        List<Workload> budgeted = new ArrayList<>();
        for (BenchConnection c : connections) {
            if (c.state() == BenchConnection.State.OPEN && c.workload().budgeted()) {
                budgeted.add(c.workload());
            }
        }
        budgetsLeft = budgeted.size();
        if (budgeted.isEmpty()) {
            budgets.countDown();
            return;
        }
        long each = share / budgeted.size();
        long extra = share % budgeted.size();
        for (int i = 0; i < budgeted.size(); i++) {
            budgeted.get(i).assignBudget(each + (i < extra ? 1 : 0));
        }
    }

    /** A budgeted workload completed its share or failed. */
    void budgetDone() {
        if (budgetsLeft > 0 && --budgetsLeft == 0) {
            budgets.countDown();
        }
    }

    private void startConnects() {
        if (seen == Phase.STOP) {
            return;
        }
        while (attempting < maxAttempting && nextToConnect < connections.size()) {
            attempting++;
            connections.get(nextToConnect++).connect(System.nanoTime());
        }
    }

    /** The upgrade succeeded: records it and returns the connection's workload, started if the load is on. */
    Workload opened(BenchConnection c, long attemptStart) {
        attempting--;
        open++;
        stats.recordOpened(now - attemptStart, now);
        settled.countDown();
        Workload workload = workloads.create(this, c);
        if (workload instanceof PublisherWorkload publisher) {
            publishers.add(publisher);
            publisher.attach(c);
        }
        if (workload.budgeted()) {
            openBudgeted++;
        }
        if (loadStarted) {
            workload.start(now);
        }
        return workload;
    }

    /** The connection ended in state {@code was}; {@code failed} when that was an error. */
    void ended(BenchConnection c, BenchConnection.State was, boolean failed) {
        if (was == BenchConnection.State.OPEN) {
            open--;
            Workload workload = c.workload();
            if (workload.budgeted()) {
                openBudgeted--;
            }
            workload.onClosed();
        } else if (was == BenchConnection.State.CONNECTING || was == BenchConnection.State.HANDSHAKING) {
            attempting--;
            stats.recordFailedAttempt(now);
            settled.countDown();
        }
    }

    // ------------------------------------------------------------------------- for connections and workloads

    boolean measuring() {
        return measuring;
    }

    /** Whether the run is ending: connections closed now are closed by the bench, not lost. */
    boolean stopping() {
        return seen == Phase.STOP;
    }

    long now() {
        return now;
    }

    Selector selector() {
        return selector;
    }

    Random random() {
        return random;
    }

    BufferPool pool() {
        return pool;
    }

    EngineConfig engineConfig() {
        return EngineConfig.defaults();
    }

    ErrorLog errors() {
        return errors;
    }

    @Override
    public String toString() {
        return "bench loop " + number;
    }
}
