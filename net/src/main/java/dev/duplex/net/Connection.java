package dev.duplex.net;

import dev.duplex.core.OutboundBuffer;
import dev.duplex.core.WebSocketEngine;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One socket on an event loop: its {@link Transport}, the outbound queue, and, after the HTTP handshake, the
 * {@link WebSocketEngine}. Before {@link #upgrade} the bytes read go to the listener (HTTP); after it they go to
 * the engine. Bytes to send are HTTP bytes ({@link #writeRaw}) and then the engine's {@link OutboundBuffer},
 * written with gathering writes; OP_WRITE is asked for only while bytes are pending and the socket, not the TLS
 * handshake, holds them up.
 *
 * <p>Reads use the loop's shared read buffer (64 KiB), so an idle connection holds no read buffer and a read
 * never grows one: the engine consumes everything it is given.
 *
 * <p><b>Threading:</b> not thread-safe; every method runs on the connection's {@link #loop()}. Other threads
 * hop there with {@code loop().execute(...)}.
 *
 * <p><b>Errors:</b> an I/O or TLS failure, or an exception from the listener or the engine's handler, closes the
 * socket and is reported once through {@link ConnectionListener#onClosed}; the loop carries on.
 */
final class Connection implements IoHandler {
    private static final int MAX_READS_PER_WAKEUP = 16;

    private final EventLoop loop;
    private final Transport transport;
    private final ConnectionListener listener;
    private final OutboundBuffer outbound;
    private final ArrayDeque<ByteBuffer> raw = new ArrayDeque<>(2); // handshake bytes only: rarely more than one
    private long rawBytes;
    private SelectionKey key;
    private WebSocketEngine engine;
    private boolean readingPaused;
    private boolean writeWaiting;
    private boolean closeAfterFlush;
    private boolean outputShut;
    private boolean closed;
    private boolean readScheduled;
    private final Runnable readTask = this::readScheduledNow;
    private Object owner;
    private long lastReadNanos = System.nanoTime();
    /** Bytes written to the transport so far; tells a flush that made progress from one that made none. */
    private long writtenTotal;
    /** Since when queued bytes wait and the socket takes none of them; 0 while nothing waits or writes progress. */
    private long writeStalledSince;

    Connection(EventLoop loop, Transport transport, ConnectionListener listener) {
        this.loop = loop;
        this.transport = transport;
        this.listener = listener;
        this.outbound = new OutboundBuffer(loop.bufferPool());
    }

    /** Registers the socket for reading and starts the TLS handshake if any. Loop thread only. */
    void start() {
        if (loop.isShuttingDown()) {
            closeNow(new java.nio.channels.ClosedSelectorException());
            return;
        }
        try {
            transport.channel().configureBlocking(false);
            key = loop.register(transport.channel(), SelectionKey.OP_READ, this);
            flush();
        } catch (IOException | RuntimeException e) {
            closeNow(e);
        }
    }

    /**
     * Takes over an already registered key (a client that connected with OP_CONNECT) and starts. Loop thread only.
     */
    void start(SelectionKey registered) {
        key = registered;
        key.attach(this);
        setInterest(SelectionKey.OP_READ, true);
        flush();
    }

    EventLoop loop() {
        return loop;
    }

    Transport transport() {
        return transport;
    }

    /** The engine's outbound queue; hand it to the engine in {@link #upgrade}. */
    OutboundBuffer outbound() {
        return outbound;
    }

    WebSocketEngine engine() {
        return engine;
    }

    /** Whatever the owner wants to find from the connection (its session object). */
    Object owner() {
        return owner;
    }

    void owner(Object owner) {
        this.owner = owner;
    }

    SocketAddress remoteAddress() {
        try {
            return transport.channel().getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** When bytes last arrived from the peer ({@link System#nanoTime()}); the connection's start before any. */
    long lastReadNanos() {
        return lastReadNanos;
    }

    boolean isOpen() {
        return !closed;
    }

    /**
     * Since when ({@link System#nanoTime()}) bytes have been waiting for a socket that took none of them, or 0 if
     * the last flush wrote everything or made progress since.
     */
    long writeStalledSinceNanos() {
        return writeStalledSince;
    }

    /**
     * Drops the engine frames queued and not started on the wire (a partly written frame is kept whole); see
     * {@link OutboundBuffer#discardUnstarted()}.
     */
    long discardUnstarted() {
        return outbound.discardUnstarted();
    }

    /** From now on bytes read go to {@code engine}, which must queue into {@link #outbound()}. */
    void upgrade(WebSocketEngine engine) {
        if (engine.outbound() != outbound) {
            throw new IllegalArgumentException("the engine must write into this connection's outbound buffer");
        }
        this.engine = engine;
    }

    /** Queues bytes to write before anything the engine queues (HTTP responses); takes ownership of them. */
    void writeRaw(ByteBuffer bytes) {
        raw.add(bytes);
        rawBytes += bytes.remaining();
    }

    /** Bytes queued and not yet on the wire: HTTP bytes, engine frames and TLS records. */
    long bufferedAmount() {
        return rawBytes + outbound.size() + transport.pendingBytes();
    }

    void pauseReading() {
        if (!readingPaused) {
            readingPaused = true;
            setInterest(SelectionKey.OP_READ, false);
        }
    }

    void resumeReading() {
        if (readingPaused) {
            readingPaused = false;
            setInterest(SelectionKey.OP_READ, true);
            scheduleRead(); // the transport may hold bytes it read before the pause: no OP_READ announces them
        }
    }

    /**
     * Reads again on a task, not on the selector: after a pause or the per-wakeup read cap, a TLS transport may
     * already hold whole records taken off the socket, and an empty socket never becomes readable for them.
     */
    private void scheduleRead() {
        if (!readScheduled && !closed) {
            readScheduled = true;
            loop.execute(readTask);
        }
    }

    private void readScheduledNow() {
        readScheduled = false;
        if (!closed && !readingPaused && key != null) {
            readAvailable();
        }
    }

    boolean isReadingPaused() {
        return readingPaused;
    }

    /**
     * Closes gracefully: writes everything queued, then TLS close_notify and a TCP FIN, then reads and discards
     * until the peer closes too (a lingering close, so the peer is not reset before it read our last bytes).
     * The owner bounds the whole with a timer that calls {@link #close}.
     */
    void closeAfterFlush() {
        if (closed || closeAfterFlush) {
            return;
        }
        closeAfterFlush = true;
        resumeReading();
        flush();
    }

    /** Closes the socket now, dropping whatever is queued. Idempotent. */
    void close() {
        closeNow(null);
    }

    @Override
    public void onReady(SelectionKey key) {
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            boolean wasWaiting = writeWaiting;
            flush();
            if (wasWaiting && !closed) {
                listener.onWriteProgress(this);
                if (!closed && !writeWaiting && bufferedAmount() == 0) {
                    listener.onDrain(this);
                }
            }
        }
        if ((ready & SelectionKey.OP_READ) != 0 && !closed && !readingPaused) {
            readAvailable();
        }
    }

    @Override
    public void onLoopError(Throwable error) {
        closeNow(error);
    }

    private void readAvailable() {
        ByteBuffer buffer = loop.readBuffer();
        try {
            boolean more = true;
            for (int i = 0; i < MAX_READS_PER_WAKEUP && !closed && !readingPaused; i++) {
                buffer.clear();
                int n = transport.read(buffer);
                if (n < 0) {
                    onEof();
                    return;
                }
                if (n == 0) {
                    more = false;
                    break;
                }
                lastReadNanos = System.nanoTime();
                loop.counters().bytesIn.add(n);
                boolean drained = buffer.hasRemaining() && transport.shortReadDrains();
                buffer.flip();
                if (!closeAfterFlush) {
                    deliver(buffer);
                }
                if (drained) {
                    more = false; // the selector says when more arrives: no read that returns 0
                    break;
                }
            }
            if (more && !closed && !readingPaused) {
                scheduleRead(); // stopped at the cap with input maybe buffered in the transport
            }
            if (!closed) {
                listener.onInputProcessed(this);
            }
            flush();
        } catch (IOException | RuntimeException e) {
            closeNow(e);
        } finally {
            buffer.clear();
        }
    }

    private void deliver(ByteBuffer buffer) {
        if (engine == null) {
            listener.onHandshakeData(this, buffer);
            if (engine == null || !buffer.hasRemaining() || closed) {
                return;
            }
        }
        engine.receive(buffer);
    }

    private void onEof() {
        if (engine != null) {
            engine.receiveEof();
        }
        closeNow(null);
    }

    /** Writes what the socket takes now and asks for OP_WRITE only if bytes remain. */
    void flush() {
        if (closed) {
            return;
        }
        long writtenBefore = writtenTotal;
        try {
            boolean done = transport.flushPending() && writeRawQueue() && writeOutbound();
            if (done && closeAfterFlush && !outputShut) {
                transport.closeOutbound();
                done = transport.flushPending();
                if (done) {
                    outputShut = true;
                    transport.channel().shutdownOutput();
                }
            }
            writeWaiting = !done;
            if (done) {
                writeStalledSince = 0;
            } else if (writeStalledSince == 0 || writtenTotal != writtenBefore) {
                writeStalledSince = System.nanoTime();
            }
            // Bytes queued while the TLS handshake waits for the peer (a client's upgrade request before the
            // server's handshake reply) cannot be written yet, and OP_WRITE would fire at once, for ever: wait for
            // the reply (OP_READ), whose read ends with a flush. Ask for OP_WRITE only when the socket is the limit.
            boolean awaitingPeer = !done && !transport.isReady() && transport.pendingBytes() == 0;
            setInterest(SelectionKey.OP_WRITE, !done && !awaitingPeer);
        } catch (IOException | RuntimeException e) {
            closeNow(e);
        }
    }

    private boolean writeRawQueue() throws IOException {
        while (!raw.isEmpty()) {
            ByteBuffer[] array = raw.toArray(new ByteBuffer[0]);
            long written = transport.write(array, 0, array.length);
            rawBytes -= written;
            writtenTotal += written;
            loop.counters().bytesOut.add(written);
            while (!raw.isEmpty() && !raw.peek().hasRemaining()) {
                raw.poll();
            }
            if (written == 0 && !raw.isEmpty()) {
                return false;
            }
        }
        return transport.flushPending();
    }

    private boolean writeOutbound() throws IOException {
        ByteBuffer[] gather = loop.gatherBuffers();
        try {
            while (!outbound.isEmpty()) {
                int n = outbound.gather(gather);
                long written = transport.write(gather, 0, n);
                writtenTotal += written;
                loop.counters().bytesOut.add(written);
                outbound.reclaim();
                if (written == 0) {
                    return false;
                }
            }
            return transport.flushPending();
        } finally {
            Arrays.fill(gather, null);
        }
    }

    private void setInterest(int op, boolean on) {
        if (key == null || !key.isValid()) {
            return;
        }
        try {
            int ops = key.interestOps();
            int wanted = on ? ops | op : ops & ~op;
            if (wanted != ops) {
                key.interestOps(wanted);
            }
        } catch (CancelledKeyException ignored) {
            // closed concurrently by the loop's shutdown
        }
    }

    private void closeNow(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (key != null) {
            key.cancel();
        }
        transport.close();
        if (engine != null) {
            engine.receiveEof();
        }
        outbound.release();
        raw.clear();
        rawBytes = 0;
        listener.onClosed(this, cause);
    }
}
