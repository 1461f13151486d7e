package dev.duplex.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The hub's single writer thread: first opens the store ({@link HubCore#open}) and completes {@link #ready()},
 * then takes {@link Command}s in order, batches consecutive publishes into one commit (group commit), runs every
 * other command on committed state, and once a second (the tick) prunes, closes connections whose token
 * expired and reclaims idle topics. The only thread that touches the store and the
 * topics' sequencing state. Commands submitted while the store opens simply wait in the queue; if it cannot be
 * opened, {@link #ready()} completes exceptionally and every publish and request is answered {@code internal}
 * (actions, such as closing a connection, still run).
 *
 * <p>Requests (client and server publishes, subscribes) are refused once {@link #MAX_QUEUED} commands wait;
 * control commands (disconnect, drain) are always taken so no connection state leaks.
 */
final class Writer {
    static final int MAX_QUEUED = 65_536;
    private static final int MAX_BATCH = 1_024;
    private static final Command.Action STOP = new Command.Action(core -> { });

    private final HubCore core;
    private final Consumer<Throwable> errorHandler;
    private final long pruneIntervalMillis;
    private final LinkedBlockingQueue<Command> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Thread thread;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile boolean closing;
    /** Why the store could not be opened; null while it works. Writer thread only. */
    private String unavailable;

    Writer(HubCore core, Consumer<Throwable> errorHandler, long pruneIntervalMillis) {
        this.core = core;
        this.errorHandler = errorHandler;
        this.pruneIntervalMillis = pruneIntervalMillis;
        this.thread = new Thread(this::run, "duplex-hub-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a request; false if the hub is closing or too much is queued already. Any thread. */
    boolean submit(Command c) {
        if (closing) {
            return false;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            return false;
        }
        queue.add(c);
        return true;
    }

    /** Queues a control command regardless of the queue length; ignored (false) once closing. Any thread. */
    boolean submitControl(Command c) {
        if (closing) {
            return false;
        }
        queued.incrementAndGet();
        queue.add(c);
        return true;
    }

    /** Completes (on the writer thread) once the store is open; exceptionally if opening failed. */
    CompletableFuture<Void> ready() {
        return ready;
    }

    boolean isWriterThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Processes everything queued so far, stops the thread, and fails what arrived too late. Waits up to
     * {@code timeoutMillis}; returns whether the thread ended.
     */
    boolean close(long timeoutMillis) throws InterruptedException {
        closing = true;
        queue.add(STOP);
        thread.join(timeoutMillis);
        for (Command c; (c = queue.poll()) != null; ) {
            if (c instanceof Command.Publish p) {
                core.refuse(p, ErrorCode.INTERNAL, "the hub is closed");
            }
        }
        return !thread.isAlive();
    }

    private void run() {
        open();
        List<Command> batch = new ArrayList<>(MAX_BATCH);
        long nextPrune = System.currentTimeMillis() + pruneIntervalMillis;
        boolean stop = false;
        while (!stop) {
            Command first;
            try {
                first = queue.poll(Math.max(1, nextPrune - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                queued.addAndGet(-batch.size());
                for (Command c : batch) {
                    if (c == STOP) {
                        stop = true;
                    } else {
                        process(c);
                    }
                }
                batch.clear();
                guarded(core::flush);
            }
            if (System.currentTimeMillis() >= nextPrune) {
                if (unavailable == null) {
                    guarded(core::prune);
                    guarded(core::reclaimIdleTopics);
                }
                guarded(core::expireTokens);
                nextPrune = System.currentTimeMillis() + pruneIntervalMillis;
            }
        }
        guarded(core::flush);
        core.abandonPending("the hub is closed");
    }

    private void open() {
        try {
            LazyMapper.get(); // built here, off the thread that builds the hub and binds the server
            core.open();
        } catch (RuntimeException | Error e) {
            unavailable = "the hub store is unavailable: " + e.getMessage();
            errorHandler.accept(e);
            ready.completeExceptionally(e);
            return;
        }
        ready.complete(null);
    }

    private void process(Command c) {
        if (unavailable != null) {
            refuse(c);
        } else if (c instanceof Command.Publish p) {
            guarded(() -> core.append(p));
        } else if (c instanceof Command.Requested r) {
            guarded(core::flush);
            guarded(() -> r.body().accept(core));
        } else {
            guarded(core::flush);
            guarded(() -> ((Command.Action) c).body().accept(core));
        }
    }

    /**
     * The store is unavailable: requests get {@code internal}; actions (closes, expiry watches, disconnects) still
     * run, as they need no store, so a connection that provokes too many errors is still closed.
     */
    private void refuse(Command c) {
        if (c instanceof Command.Publish p) {
            guarded(() -> core.refuse(p, ErrorCode.INTERNAL, unavailable));
        } else if (c instanceof Command.Requested r) {
            if (!r.from().gone) {
                guarded(() -> core.sendError(r.from(), r.id(), ErrorCode.INTERNAL, unavailable));
            }
        } else {
            guarded(() -> ((Command.Action) c).body().accept(core));
        }
    }

    private void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            errorHandler.accept(e);
        }
    }
}
