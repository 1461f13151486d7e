package dev.duplex.net;

import dev.duplex.core.handshake.HandshakeException;
import dev.duplex.core.handshake.HttpRequest;
import dev.duplex.core.handshake.RequestParser;
import dev.duplex.core.handshake.ServerHandshake;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;

/**
 * The plain-HTTP phase of one server connection: requests answered one after the other on a persistent
 * connection ({@link KeepAlive}) until one asks to close, the request limit is reached, the connection idles past
 * the keep-alive timeout, or a request upgrades to WebSocket.
 *
 * <p>Pipelined requests are answered in order: while an answer is being produced off the loop (a static file) or
 * the output is above the high-water mark, reading pauses and the bytes already read (at most one read buffer)
 * wait in a holdover buffer. Large files are streamed in {@link #CHUNK}-byte pieces read on {@link FileReads}'
 * threads, the next piece only once the socket took most of the previous one, so a connection holds at most about
 * two pieces; a reply that makes no progress for the handshake timeout drops the connection.
 *
 * <p><b>Threading:</b> not thread-safe; every method runs on the connection's loop.
 */
final class HttpExchange {
    static final int CHUNK = 64 << 10;
    private static final int MAX_HOLDOVER = 128 << 10;

    private final ServerConnection owner;
    private final WebSocketServer server;
    private final ServerSettings settings;
    private final KeepAlive keepAlive;
    private final EventLoop loop;
    private final Connection connection;
    private RequestParser parser;
    /** When the current request's first byte came (for the first request: when the socket was accepted). */
    private long requestStartNanos;
    private int served;
    /** The head timeout while a request arrives, the keep-alive wait between requests, or the reply's progress. */
    private LoopTimer timer;
    /** Waiting for an answer or for the output to drain: reading is paused, bytes read wait in the holdover. */
    private boolean busy;
    private boolean waitingForWrite;
    /** No more requests: the last answer is going out, or the connection upgraded. */
    private boolean finished;
    private boolean closed;
    private ByteBuffer holdover;
    private StaticReply streaming;
    private long streamed;
    private boolean chunkPending;
    /** An {@link HttpCallHandler}'s request whose body is still arriving; null otherwise. */
    private PendingBody pendingBody;
    /** The {@link HttpCall} being answered; null otherwise. */
    private HttpCall call;
    private boolean callKeepAlive;
    private long callStartNanos;
    private LoopTimer callTimer;
    private boolean callFlushScheduled;
    private final Runnable callFlush = this::flushCall;

    /** A call's request head and the body collected so far. */
    private record PendingBody(HttpRequest request, HttpCallRoute route, boolean keepAlive, byte[] body,
                               int[] filled) {
    }

    HttpExchange(ServerConnection owner, WebSocketServer server, EventLoop loop, Connection connection) {
        this.owner = owner;
        this.server = server;
        this.settings = server.settings();
        this.keepAlive = server.keepAlive();
        this.loop = loop;
        this.connection = connection;
    }

    /** Arms the timeout of the first request head. */
    void start() {
        requestStartNanos = System.nanoTime();
        parser = newParser();
        timer = loop.schedule(settings.handshakeTimeoutNanos(), owner::handshakeTimedOut);
    }

    /** Bytes read before the upgrade; see {@link ConnectionListener#onHandshakeData}. */
    void onData(ByteBuffer data) {
        if (finished) {
            data.position(data.limit());
            return;
        }
        if (busy) {
            hold(data);
            return;
        }
        process(data);
        if (busy && !finished) {
            hold(data);
        }
    }

    /** The socket took queued bytes after a write had to wait. */
    void onWriteProgress() {
        if (call != null) {
            callBuffered();
        }
        if (streaming != null) {
            pump();
        } else if (waitingForWrite) {
            checkWritten();
        }
    }

    void onClosed() {
        closed = true;
        cancelTimer();
        holdover = null;
        pendingBody = null;
        if (call != null) {
            HttpCall c = call;
            call = null;
            cancelCallTimer();
            c.finish();
        }
        if (streaming != null) {
            streaming.release();
            streaming = null;
        }
    }

    private void process(ByteBuffer data) {
        while (data.hasRemaining() && !busy && !finished) {
            if (pendingBody != null) {
                readBody(data);
                continue;
            }
            if (parser == null) { // the first byte of the next request on a kept connection
                parser = newParser();
                requestStartNanos = System.nanoTime();
                cancelTimer();
                timer = loop.schedule(settings.handshakeTimeoutNanos(), owner::handshakeTimedOut);
            }
            HttpRequest request;
            try {
                request = parser.feed(data);
            } catch (HandshakeException e) {
                server.countError();
                ByteBuffer answer = ByteBuffer.wrap(ServerHandshake.errorResponse(e));
                AccessLog.response(connection, null, answer, requestStartNanos);
                last(answer);
                data.position(data.limit());
                return;
            }
            if (request == null) {
                return;
            }
            parser = null;
            served++;
            cancelTimer();
            boolean keep = keepAlive.allows(request, served) && !loop.isShuttingDown();
            RequestRouter.Outcome outcome = server.router().route(request, keep);
            if (outcome instanceof RequestRouter.Call c) {
                server.countHttpRequest();
                startCall(request, c.route(), data);
            } else if (outcome instanceof RequestRouter.Respond r) {
                server.countHttpRequest();
                AccessLog.response(connection, request, r.bytes()[0], requestStartNanos);
                if (!r.keepAlive()) {
                    last(r.bytes());
                    data.position(data.limit());
                    return;
                }
                for (ByteBuffer b : r.bytes()) {
                    connection.writeRaw(b);
                }
                replied();
            } else if (outcome instanceof RequestRouter.Serve s) {
                server.countHttpRequest();
                await();
                long started = requestStartNanos;
                s.reply().thenAccept(reply -> {
                    if (loop.isShuttingDown()) {
                        reply.release(); // a stopped loop drops tasks: the file must not stay open
                    } else {
                        loop.execute(() -> onStaticReply(request, reply, started));
                    }
                });
            } else {
                finished = true;
                owner.upgrade((RequestRouter.Upgrade) outcome, request);
                return;
            }
        }
    }

    /** When the request being answered (or upgraded) started arriving; for the access log. */
    long requestStartNanos() {
        return requestStartNanos;
    }

    /** Queues the final answer and closes once it is written (bounded by the close timeout). */
    private void last(ByteBuffer... bytes) {
        finished = true;
        cancelTimer();
        for (ByteBuffer b : bytes) {
            connection.writeRaw(b);
        }
        owner.armCloseTimer();
        connection.closeAfterFlush();
    }

    private void await() {
        busy = true;
        connection.pauseReading();
    }

    /** An answer was queued and the connection stays: wait for the output if it is large, else go on. */
    private void replied() {
        if (connection.bufferedAmount() > settings.highWaterMark()) {
            waitingForWrite = true;
            await();
            loop.atEndOfPass(this::checkWritten); // after this pass's flush, which may write it all at once
        } else if (parser == null && !busy) {
            timer = loop.schedule(keepAlive.idleTimeoutNanos(), connection::close);
        }
    }

    private void checkWritten() {
        if (closed || !waitingForWrite) {
            return;
        }
        connection.flush();
        if (connection.bufferedAmount() <= settings.lowWaterMark()) {
            waitingForWrite = false;
            resume();
        }
    }

    /** Loop: the file threads' answer. */
    private void onStaticReply(HttpRequest request, StaticReply reply, long started) {
        if (closed) {
            reply.release();
            return;
        }
        AccessLog.response(connection, request, reply.head(), started);
        connection.writeRaw(reply.head());
        if (reply.body() != null) {
            connection.writeRaw(reply.body());
        }
        if (reply.file() != null) {
            streaming = reply;
            streamed = 0;
            connection.flush();
            pump();
            return;
        }
        done(reply.keepAlive());
    }

    private void done(boolean keep) {
        cancelTimer();
        if (!keep) {
            last();
            return;
        }
        connection.flush();
        if (connection.bufferedAmount() > settings.highWaterMark()) {
            waitingForWrite = true;
            return; // onWriteProgress resumes
        }
        resume();
    }

    /** Carries on after a wait: the bytes held back first, then the socket. */
    private void resume() {
        busy = false;
        ByteBuffer held = holdover;
        holdover = null;
        if (held != null) {
            process(held);
            if (held.hasRemaining()) {
                if (busy && !finished) {
                    holdover = held;
                } else if (finished && connection.engine() != null) {
                    connection.engine().receive(held); // WebSocket frames sent right behind the upgrade request
                }
            }
        }
        if (closed || busy || finished && connection.engine() == null) {
            return;
        }
        if (parser == null && !finished) {
            cancelTimer();
            timer = loop.schedule(keepAlive.idleTimeoutNanos(), connection::close);
        }
        connection.flush();
        connection.resumeReading();
    }

    // ------------------------------------------------------------------------------- HttpCallHandler calls

    /**
     * A request for an {@link HttpCallHandler}: checks the announced body (Content-Length only; at most the
     * route's limit), then reads it, within the handshake timeout, before calling the handler.
     */
    private void startCall(HttpRequest request, HttpCallRoute route, ByteBuffer data) {
        dev.duplex.core.handshake.HttpHeaders h = request.headers();
        if (h.contains("Transfer-Encoding")) {
            refuseCall(request, data, 411, "send the body with a Content-Length");
            return;
        }
        java.util.List<String> lengths = h.all("Content-Length");
        long length = 0;
        if (lengths.size() > 1) {
            refuseCall(request, data, 400, "more than one Content-Length");
            return;
        }
        if (!lengths.isEmpty()) {
            try {
                length = Long.parseLong(lengths.get(0).strip());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0) {
                refuseCall(request, data, 400, "malformed Content-Length");
                return;
            }
        }
        if (length > route.maxBodyBytes()) {
            refuseCall(request, data, 413, "the body is larger than " + route.maxBodyBytes() + " bytes");
            return;
        }
        boolean keep = keepAlive.allowsAfterBody(request, served) && !loop.isShuttingDown();
        pendingBody = new PendingBody(request, route, keep, new byte[(int) length], new int[1]);
        if (length > 0) {
            if (h.containsToken("Expect", "100-continue")) {
                connection.writeRaw(ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
                connection.flush();
            }
            timer = loop.schedule(settings.handshakeTimeoutNanos(), owner::handshakeTimedOut); // a body that stalls
        }
        readBody(data);
    }

    private void refuseCall(HttpRequest request, ByteBuffer data, int status, String why) {
        server.countError();
        ByteBuffer[] answer = HttpResponseWriter.text(status, dev.duplex.core.handshake.ReasonPhrases.of(status), why,
                false, false);
        AccessLog.response(connection, request, answer[0], requestStartNanos);
        last(answer);
        data.position(data.limit());
    }

    private void readBody(ByteBuffer data) {
        PendingBody p = pendingBody;
        int n = Math.min(data.remaining(), p.body().length - p.filled()[0]);
        data.get(p.body(), p.filled()[0], n);
        p.filled()[0] += n;
        if (p.filled()[0] < p.body().length) {
            owner.account();
            return;
        }
        pendingBody = null;
        cancelTimer();
        owner.account();
        invokeCall(p);
    }

    /** Bytes of a call's body read so far and not yet handed over; for the memory budget. */
    long heldInputBytes() {
        PendingBody p = pendingBody;
        ByteBuffer held = holdover;
        return (p == null ? 0 : p.filled()[0]) + (held == null ? 0 : held.remaining());
    }

    private void invokeCall(PendingBody p) {
        busy = true; // reading goes on, so that a peer that leaves is noticed; what it sends waits in the holdover
        callKeepAlive = p.keepAlive();
        callStartNanos = requestStartNanos;
        HttpCall c = new HttpCall(this, owner, loop, p.request(), p.body(), server.limitSettings().maxBufferedPerConnection(),
                settings.highWaterMark());
        call = c;
        callTimer = loop.schedule(p.route().replyTimeoutNanos(), c::timedOut);
        try {
            p.route().handler().handle(c);
        } catch (RuntimeException e) {
            server.router().failed(e);
            c.reply(HttpReply.text(500, "the handler failed"));
        }
    }

    /** Loop: the call's whole answer. */
    void callReplied(HttpCall c, HttpReply reply) {
        if (c != call || closed) {
            return;
        }
        cancelCallTimer();
        ByteBuffer[] bytes = reply.render(c.isHeadOnly(), callKeepAlive);
        AccessLog.response(connection, c.request(), bytes[0], callStartNanos);
        for (ByteBuffer b : bytes) {
            connection.writeRaw(b);
        }
        call = null;
        c.finish();
        done(callKeepAlive);
    }

    /** Loop: the call's stream starts with this head (chunked for HTTP/1.1, else ended by the close). */
    void callStreamStarted(HttpCall c, HttpReply head, boolean chunked) {
        if (c != call || closed) {
            return;
        }
        cancelCallTimer();
        boolean keep = callKeepAlive && chunked;
        callKeepAlive = keep;
        ByteBuffer bytes = head.renderStreamHead(keep, chunked);
        AccessLog.response(connection, c.request(), bytes, callStartNanos);
        connection.writeRaw(bytes);
        if (c.isHeadOnly()) {
            call = null;
            c.finish();
            done(keep);
            return;
        }
        scheduleCallFlush();
        armStallCheck();
    }

    /** Loop: one piece of the call's stream. */
    void callWrite(HttpCall c, ByteBuffer piece) {
        if (c != call || closed) {
            return;
        }
        connection.writeRaw(piece);
        owner.account();
        scheduleCallFlush();
    }

    /** Loop: the stream's end; the connection then serves the next request or closes. */
    void callEnded(HttpCall c) {
        if (c != call || closed) {
            return;
        }
        cancelCallTimer();
        call = null;
        c.finish();
        if (c.isChunked()) {
            connection.writeRaw(ByteBuffer.wrap("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        }
        done(callKeepAlive);
    }

    /** Loop: runs the call's drain callback if nothing is queued. */
    void callCheckDrain(HttpCall c) {
        if (c == call) {
            c.buffered(connection.bufferedAmount());
        }
    }

    WebSocketServer server() {
        return server;
    }

    void callbackFailed(RuntimeException e) {
        server.router().failed(e);
    }

    private void scheduleCallFlush() {
        if (!callFlushScheduled) {
            callFlushScheduled = true;
            loop.atEndOfPass(callFlush);
        }
    }

    private void flushCall() {
        callFlushScheduled = false;
        if (closed) {
            return;
        }
        connection.flush();
        if (call != null) {
            callBuffered();
        }
    }

    private void callBuffered() {
        owner.account();
        HttpCall c = call;
        if (c != null) {
            c.buffered(connection.bufferedAmount());
        }
    }

    /** While a stream is open: drops the connection when its socket took none of the output for the write timeout. */
    private void armStallCheck() {
        LimitSettings limits = server.limitSettings();
        if (limits.writeTimeoutNanos() <= 0) {
            return;
        }
        callTimer = loop.schedule(limits.progressCheckNanos(), () -> {
            callTimer = null;
            if (closed || call == null) {
                return;
            }
            long stalledSince = connection.writeStalledSinceNanos();
            if (stalledSince != 0 && System.nanoTime() - stalledSince >= limits.writeTimeoutNanos()) {
                server.overloadCounters().writeTimeouts.increment();
                connection.close();
                return;
            }
            armStallCheck();
        });
    }

    private void cancelCallTimer() {
        if (callTimer != null) {
            callTimer.cancel();
            callTimer = null;
        }
    }

    // ------------------------------------------------------------------------------------------ streaming

    private void pump() {
        if (closed || streaming == null || chunkPending) {
            return;
        }
        StaticReply reply = streaming;
        if (streamed >= reply.fileLength()) {
            streaming = null;
            reply.release();
            done(reply.keepAlive());
            return;
        }
        if (connection.bufferedAmount() >= CHUNK) {
            return; // onWriteProgress comes back
        }
        cancelTimer();
        timer = loop.schedule(settings.handshakeTimeoutNanos(), connection::close); // a reader that stalls
        chunkPending = true;
        long position = streamed;
        int length = (int) Math.min(CHUNK, reply.fileLength() - position);
        try {
            FileReads.executor().execute(() -> {
                ByteBuffer chunk = ByteBuffer.allocate(length);
                IOException failure = null;
                try {
                    while (chunk.hasRemaining()) {
                        if (reply.file().read(chunk, position + chunk.position()) < 0) {
                            throw new EOFException("the file got shorter while it was sent");
                        }
                    }
                } catch (IOException e) {
                    failure = e;
                }
                IOException f = failure;
                loop.execute(() -> onChunk(reply, chunk.flip(), f));
            });
        } catch (RejectedExecutionException e) {
            chunkPending = false;
            connection.close(); // the head went out already: only a cut connection can say the body is incomplete
        }
    }

    private void onChunk(StaticReply reply, ByteBuffer chunk, IOException failure) {
        chunkPending = false;
        if (closed || streaming != reply) {
            reply.release();
            return;
        }
        if (failure != null) {
            server.countError();
            connection.close();
            return;
        }
        streamed += chunk.remaining();
        connection.writeRaw(chunk);
        connection.flush();
        pump();
    }

    // ------------------------------------------------------------------------------------------- helpers

    private void hold(ByteBuffer data) {
        if (!data.hasRemaining()) {
            return;
        }
        int kept = holdover == null ? 0 : holdover.remaining();
        if (kept + data.remaining() > MAX_HOLDOVER) {
            connection.close(); // only while an HttpCall is open (reading is paused otherwise): a peer pipelining that much
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(kept + data.remaining());
        if (holdover != null) {
            b.put(holdover);
        }
        holdover = b.put(data).flip();
    }

    private RequestParser newParser() {
        return new RequestParser(settings.maxHeadBytes(), settings.maxHeaderFields());
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}
