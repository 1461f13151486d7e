package dev.duplex.net;

import dev.duplex.core.handshake.HttpRequest;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One plain HTTP request given to an {@link HttpCallHandler}, answered later from any thread: either whole with
 * {@link #reply}, or as a stream with {@link #startStream}, {@link #send}s and {@link #end}. While a call is open
 * its connection reads nothing more (a pipelined next request waits); once it is answered or its stream ended, the
 * connection serves the next request if keep-alive allows.
 *
 * <p><b>Streams</b> go out with {@code Transfer-Encoding: chunked} to HTTP/1.1 clients (the connection may be kept
 * after {@link #end}), and delimited by the connection's close to HTTP/1.0 clients. Each {@link #send} is one
 * chunk, written at the end of the loop's pass with whatever else was queued.
 *
 * <p><b>Limits:</b> the bytes queued and not yet written count toward the server's memory budget and per-connection
 * output cap, exactly as a WebSocket's: a send that would take the connection past
 * {@link WebSocketServer.Builder#maxBufferedPerConnection} closes it ({@link SendResult#REFUSED}), and the budget
 * pass may close it when the server holds too much. A stream whose socket takes none of its output for the
 * {@linkplain WebSocketServer.Builder#writeTimeout write timeout} is dropped. A call that was neither answered nor
 * streamed within its route's reply timeout is answered 503. A HEAD request gets the head only.
 *
 * <p><b>Threading:</b> every method is safe from any thread, never blocks and never runs the connection's work
 * inline (it is queued on the connection's event loop, also when called there), so it may be called while holding
 * a lock; calls from one thread keep their order. Callbacks ({@link #onFinish}, {@link #onDrain}) run on the
 * connection's event loop and must not block.
 */
public final class HttpCall {
    private static final int OPEN = 0;
    private static final int STREAMING = 1;
    private static final int DONE = 2;
    private static final byte[] CRLF = {'\r', '\n'};

    private final HttpExchange exchange;
    private final ServerConnection owner;
    private final EventLoop loop;
    private final HttpRequest request;
    private final byte[] body;
    private final long maxBuffered;
    private final long highWaterMark;
    private final AtomicInteger phase = new AtomicInteger(OPEN);
    /** Whether the stream is chunked (HTTP/1.1); set when it starts, before any send can pass the phase check. */
    private volatile boolean chunked;
    private final boolean headOnly;
    /** Queued on the connection and not yet written, as the loop last saw it. */
    private volatile long loopBuffered;
    // loop thread only
    private final List<Runnable> finishCallbacks = new ArrayList<>(1);
    private Runnable drainCallback;
    private boolean finished;

    HttpCall(HttpExchange exchange, ServerConnection owner, EventLoop loop, HttpRequest request, byte[] body,
             long maxBuffered, long highWaterMark) {
        this.exchange = exchange;
        this.owner = owner;
        this.loop = loop;
        this.request = request;
        this.body = body;
        this.maxBuffered = maxBuffered;
        this.highWaterMark = highWaterMark;
        this.headOnly = request.method().equals("HEAD");
    }

    /** The request head: method, path, query, headers, cookies. */
    public HttpRequest request() {
        return request;
    }

    /** A copy of the request body (empty without one). */
    public byte[] body() {
        return body.clone();
    }

    /** The request body decoded as UTF-8 (malformed bytes become U+FFFD). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body's length in bytes. */
    public int bodyLength() {
        return body.length;
    }

    /** The server that received this call (e.g. for {@link WebSocketServer#holdMemory}). */
    public WebSocketServer server() {
        return exchange.server();
    }

    /** The peer's address; null once the socket is closed. */
    public SocketAddress remoteAddress() {
        return owner.remoteAddress();
    }

    /**
     * Answers the call with a whole reply (the server adds Content-Length and Connection).
     *
     * @return false, doing nothing, if the call was answered, streamed, timed out or its connection closed already
     */
    public boolean reply(HttpReply reply) {
        Objects.requireNonNull(reply, "reply");
        if (!phase.compareAndSet(OPEN, DONE)) {
            return false;
        }
        loop.execute(() -> exchange.callReplied(this, reply)); // never inline: the caller may hold its own locks
        return true;
    }

    /**
     * Starts a streamed answer with {@code head}'s status, content type and headers; its body, if not empty, is
     * the stream's first piece. The stream stays open until {@link #end()} or until the connection closes.
     *
     * @return false, doing nothing, if the call was answered, streamed, timed out or its connection closed already
     */
    public boolean startStream(HttpReply head) {
        Objects.requireNonNull(head, "head");
        if (phase.get() != OPEN) {
            return false;
        }
        boolean http11 = request.versionMajor() == 1 && request.versionMinor() >= 1;
        chunked = http11;
        if (!phase.compareAndSet(OPEN, STREAMING)) {
            return false;
        }
        loop.execute(() -> exchange.callStreamStarted(this, head, http11));
        if (head.body().length > 0) {
            send(head.body());
        }
        return true;
    }

    /** Sends {@code text} as UTF-8 on the stream; see {@link #send(byte[])}. */
    public SendResult send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Queues {@code bytes} (copied) on the stream.
     *
     * @return {@link SendResult#QUEUED}, {@link SendResult#QUEUED_ABOVE_HIGH_WATER} when the queued output is above
     * the server's high-water mark (slow down, or wait for {@link #onDrain}), or {@link SendResult#REFUSED} when
     * the stream is not open (not started, ended, closed) or the send would pass the per-connection output cap,
     * which closes the connection
     */
    public SendResult send(byte[] bytes) {
        if (phase.get() != STREAMING) {
            return SendResult.REFUSED;
        }
        if (headOnly || bytes.length == 0) {
            return SendResult.QUEUED;
        }
        ByteBuffer piece = chunked ? chunk(bytes) : ByteBuffer.wrap(bytes.clone());
        long size = piece.remaining();
        long buffered = bufferedAmount();
        if (buffered > 0 && buffered + size > maxBuffered) {
            owner.shedHttp("send buffer over the per-connection limit");
            return SendResult.REFUSED;
        }
        owner.inFlight(size);
        loop.execute(() -> {
            owner.inFlight(-size);
            exchange.callWrite(this, piece);
        });
        return buffered + size > highWaterMark ? SendResult.QUEUED_ABOVE_HIGH_WATER : SendResult.QUEUED;
    }

    /**
     * Ends the stream (for HTTP/1.1 with the last, empty chunk; the connection then serves the next request if
     * keep-alive allows; for HTTP/1.0 by closing the connection once everything queued is written).
     *
     * @return false if the stream was not open
     */
    public boolean end() {
        if (!phase.compareAndSet(STREAMING, DONE)) {
            return false;
        }
        loop.execute(() -> exchange.callEnded(this));
        return true;
    }

    /** True until the call is answered, its stream ended, it timed out or its connection closed. */
    public boolean isOpen() {
        return phase.get() != DONE;
    }

    /** Bytes of this call's stream queued and not yet written (including sends on their way to the loop). */
    public long bufferedAmount() {
        return owner.inFlightBytes() + loopBuffered;
    }

    /**
     * Runs {@code callback} once, on the event loop, when the call is over: its reply or the end of its stream
     * was queued, or its connection closed first (peer gone, write stall, shed, server stopping). Runs soon (on
     * the loop) if the call is over already. Use it to stop producing for a stream whose peer left.
     */
    public void onFinish(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        loop.execute(() -> {
            if (finished) {
                runGuarded(callback);
            } else {
                finishCallbacks.add(callback);
            }
        });
    }

    /**
     * Runs {@code callback} once, on the event loop, when everything queued so far on the stream has been written
     * (at once if nothing is queued). A later call replaces an earlier one that has not run. Not run if the call
     * finishes first.
     */
    public void onDrain(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        loop.execute(() -> { // behind the sends queued before it, also when called on the loop
            if (!finished) {
                drainCallback = callback;
                exchange.callCheckDrain(this);
            }
        });
    }

    // ------------------------------------------------------------------------------------------ loop side

    /** Loop: the reply timeout fired; answers 503 if nothing was answered yet. */
    void timedOut() {
        if (phase.compareAndSet(OPEN, DONE)) {
            exchange.callReplied(this, HttpReply.text(503, "no answer in time"));
        }
    }

    /** Loop: the connection's queued output changed. */
    void buffered(long bytes) {
        loopBuffered = bytes;
        if (bytes == 0 && drainCallback != null && !finished) {
            Runnable r = drainCallback;
            drainCallback = null;
            runGuarded(r);
        }
    }

    /** Loop: the call is over (answered, ended, or the connection closed); runs the finish callbacks once. */
    void finish() {
        if (finished) {
            return;
        }
        phase.set(DONE);
        finished = true;
        drainCallback = null;
        loopBuffered = 0;
        for (Runnable r : finishCallbacks) {
            runGuarded(r);
        }
        finishCallbacks.clear();
    }

    boolean isChunked() {
        return chunked;
    }

    boolean isHeadOnly() {
        return headOnly;
    }

    private void runGuarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            exchange.callbackFailed(e);
        }
    }

    private static ByteBuffer chunk(byte[] bytes) {
        byte[] size = Integer.toHexString(bytes.length).getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(size.length + 2 + bytes.length + 2);
        return b.put(size).put(CRLF).put(bytes).put(CRLF).flip();
    }

    @Override
    public String toString() {
        return "HttpCall[" + request.method() + " " + request.path() + "]";
    }
}
