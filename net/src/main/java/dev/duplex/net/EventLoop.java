package dev.duplex.net;

import dev.duplex.core.BufferPool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One selector thread: it waits for ready channels, runs the tasks other threads hand it, and fires timers. Every
 * connection registered here is driven by this thread alone, so connection state needs no locks.
 *
 * <p><b>Threading:</b> {@link #execute} and {@link #shutdown} may be called from any thread; {@link #register},
 * {@link #schedule} and everything a task or handler does run on the loop thread. A task or handler that throws
 * is reported to the error sink and the loop goes on; so does the loop after an {@link Error} (out of memory) or a
 * failing select, pausing briefly when passes fail back to back. Only a closed selector or {@link #shutdown} ends
 * the thread.
 */
final class EventLoop {
    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Runnable> endOfPassTasks = new ArrayDeque<>();
    private final PriorityQueue<LoopTimer> timers = new PriorityQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Consumer<Throwable> errorSink;
    private volatile boolean running = true;
    private long timerSequence;
    private final BufferPool bufferPool = new BufferPool(16 * 1024, 256, true);
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    private final ByteBuffer[] gatherBuffers = new ByteBuffer[64];
    private final LoopCounters counters = new LoopCounters();
    private final TextDecoder textDecoder = new TextDecoder();

    /** The pause between two loop passes that both failed. */
    private static final long FAILURE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** Bytes one read takes from a socket; every connection on the loop shares the buffer. */
    static final int READ_BUFFER_SIZE = 64 * 1024;

    EventLoop(String name, Consumer<Throwable> errorSink) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.errorSink = errorSink;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop thread, after the tasks queued before it. Dropped once the loop stopped. */
    void execute(Runnable task) {
        tasks.add(task);
        if (!inEventLoop() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /**
     * Loop thread only: runs {@code task} at the end of the current loop pass, after the ready channels and the
     * queued tasks have been handled. Cheaper than {@link #execute} (no lock-free queue, no wake-up); used to
     * write each connection once per pass however many messages it queued.
     */
    void atEndOfPass(Runnable task) {
        endOfPassTasks.add(task);
    }

    /** Runs {@code task} now if on the loop thread, otherwise queues it. */
    void run(Runnable task) {
        if (inEventLoop()) {
            task.run();
        } else {
            execute(task);
        }
    }

    /** Registers {@code channel} (non-blocking) for {@code ops}; the handler becomes the key's attachment. */
    SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws ClosedChannelException {
        assertInLoop();
        return channel.register(selector, ops, handler);
    }

    /** Runs {@code task} on the loop after {@code delayNanos}; must be called on the loop thread. */
    LoopTimer schedule(long delayNanos, Runnable task) {
        assertInLoop();
        LoopTimer timer = new LoopTimer(System.nanoTime() + delayNanos, timerSequence++, task);
        timers.add(timer);
        return timer;
    }

    /** The loop's chunk pool for outbound buffers; loop thread only. */
    BufferPool bufferPool() {
        return bufferPool;
    }

    /**
     * The loop's read buffer, shared by its connections: whoever reads fills it and consumes it before returning
     * to the loop. Loop thread only.
     */
    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** Scratch array for gathering writes; loop thread only, used within one write call. */
    ByteBuffer[] gatherBuffers() {
        return gatherBuffers;
    }

    /** Decodes text messages on this loop; loop thread only. */
    TextDecoder textDecoder() {
        return textDecoder;
    }

    /** This loop's traffic counters: written on the loop thread only, readable anywhere. */
    LoopCounters counters() {
        return counters;
    }

    /** Number of channels registered now; for tests and metrics (a snapshot, read on any thread). */
    int registeredChannels() {
        return selector.keys().size();
    }

    boolean isShuttingDown() {
        return !running;
    }

    /** Asks the loop to stop: channels still registered are closed, then the thread ends. Idempotent. */
    void shutdown() {
        running = false;
        selector.wakeup();
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    private void assertInLoop() {
        if (!inEventLoop()) {
            throw new IllegalStateException("must be called on the event loop thread " + thread.getName());
        }
    }

    private void run() {
        try {
            boolean failedBefore = false;
            while (running) {
                try {
                    turn();
                    failedBefore = false;
                } catch (ClosedSelectorException e) {
                    report(e);
                    break;
                } catch (Throwable t) {
                    // An Error (OutOfMemoryError above all) or a failing select: report it and keep turning. A
                    // dead loop would leave its connections and the listener open with nobody serving them.
                    report(t);
                    if (failedBefore) {
                        LockSupport.parkNanos(FAILURE_PAUSE_NANOS); // failing again at once: do not spin a core
                    }
                    failedBefore = true;
                }
            }
        } finally {
            closeAll();
            terminated.countDown();
        }
    }

    private void turn() throws IOException {
        long timeoutMillis = millisToNextTimer();
        wakeupPending.set(false);
        if (!tasks.isEmpty() || !endOfPassTasks.isEmpty()) {
            selector.selectNow();
        } else if (timeoutMillis < 0) {
            selector.select();
        } else {
            selector.select(Math.max(1, timeoutMillis));
        }
        processSelected();
        runTasks();
        runEndOfPassTasks();
        runTimers();
    }

    /** Hands an error to the sink; an error thrown by the sink itself (out of memory again) is dropped. */
    private void report(Throwable t) {
        try {
            errorSink.accept(t);
        } catch (Throwable ignored) {
            // nothing left to report it to; the loop goes on
        }
    }

    /** Whether the loop thread still runs (false once it ended, normally or not). Any thread. */
    boolean isAlive() {
        return thread.isAlive();
    }

    /** The loop thread, for the watchdog's report. */
    Thread thread() {
        return thread;
    }

    private void processSelected() {
        var selected = selector.selectedKeys();
        for (var it = selected.iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            it.remove();
            IoHandler handler = (IoHandler) key.attachment();
            if (!key.isValid()) {
                continue;
            }
            try {
                handler.onReady(key);
            } catch (Throwable t) {
                reportHandlerError(handler, t);
            }
        }
    }

    private void reportHandlerError(IoHandler handler, Throwable t) {
        try {
            handler.onLoopError(t);
        } catch (Throwable again) {
            again.addSuppressed(t);
            report(again);
        }
    }

    private void runTasks() {
        // Only the tasks present now: a task that queues another does not starve the selector.
        for (int n = tasks.size(); n > 0; n--) {
            Runnable task = tasks.poll();
            if (task == null) {
                break;
            }
            safeRun(task);
        }
    }

    private void runEndOfPassTasks() {
        for (int n = endOfPassTasks.size(); n > 0; n--) {
            safeRun(endOfPassTasks.poll());
        }
    }

    private void runTimers() {
        long now = System.nanoTime();
        LoopTimer head;
        while ((head = timers.peek()) != null && (head.isCancelled() || head.deadlineNanos - now <= 0)) {
            timers.poll();
            if (!head.isCancelled()) {
                head.cancel();
                safeRun(head.task);
            }
        }
    }

    private void safeRun(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            report(t);
        }
    }

    private long millisToNextTimer() {
        LoopTimer head;
        while ((head = timers.peek()) != null && head.isCancelled()) {
            timers.poll();
        }
        if (head == null) {
            return -1;
        }
        long nanos = head.deadlineNanos - System.nanoTime();
        return nanos <= 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(nanos) + 1;
    }

    private void closeAll() {
        for (SelectionKey key : selector.keys()) {
            Object handler = key.attachment();
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing anyway
            }
            if (handler instanceof IoHandler h) {
                reportHandlerClosed(h);
            }
        }
        runTasks();
        try {
            selector.close();
        } catch (IOException e) {
            errorSink.accept(e);
        }
        tasks.clear();
        timers.clear();
    }

    private void reportHandlerClosed(IoHandler handler) {
        try {
            handler.onLoopError(new ClosedChannelException());
        } catch (Throwable t) {
            errorSink.accept(t);
        }
    }
}
