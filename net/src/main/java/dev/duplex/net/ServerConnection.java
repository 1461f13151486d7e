package dev.duplex.net;

import dev.duplex.core.CloseCodes;
import dev.duplex.core.CloseStatus;
import dev.duplex.core.EncodedFrame;
import dev.duplex.core.EngineHandler;
import dev.duplex.core.ProtocolException;
import dev.duplex.core.Role;
import dev.duplex.core.WebSocketEngine;
import dev.duplex.core.handshake.HttpRequest;

import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One accepted socket through its life on the server: the HTTP phase ({@link HttpExchange}: plain requests on a
 * kept-alive connection, until one upgrades), then running the engine for the endpoint with liveness checks,
 * backpressure and the close handshake.
 *
 * <p><b>Overload:</b> the bytes it holds for the peer (queued output, sends in flight to the loop, input of a
 * message still arriving) are reported to the server's {@link MemoryBudget} as they change. It is shed (closed
 * with its backlog discarded, so the close frame goes out at once) when the budget pass picks it or its output
 * passes the per-connection cap, and closed when a message stops arriving midway (read timeout) or the socket
 * takes none of its output for the write timeout.
 *
 * <p><b>Threading:</b> lives on one event loop. {@link #send}, {@link #closeFromApplication},
 * {@link #bufferedAmount} and {@link #requestDrainNotification} may be called from any thread and hop to the
 * loop; everything else runs on it.
 */
final class ServerConnection implements ConnectionListener, EngineHandler {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final System.Logger LOG = System.getLogger(ServerConnection.class.getName());
    /** A throwing onError, shared by all connections: one line a second at most. */
    private static final RateLimitedLog ON_ERROR_FAILED = new RateLimitedLog(LOG, System.Logger.Level.ERROR, 1,
            TimeUnit.SECONDS);
    /** A connection refused for the connection limits gets this long to read its 503. */
    /** Input read after our close frame before we stop reading (the close timer then drops the socket). */
    static final long MAX_READ_AFTER_CLOSE = 256 << 10;
    private static final long REJECT_LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final WebSocketServer server;
    private final ServerSettings settings;
    private final LimitSettings limits;
    private final MemoryBudget budget;
    private final OverloadCounters overload;
    private final Runnable progressCheck = this::checkProgress;
    private final EventLoop loop;
    private final Connection connection;
    private final Executor callbacks;
    private final Runnable flushTask = this::flushNow;
    private HttpExchange http;
    /** Whether the engine runs an extension that transforms messages (shared frames cannot be used). */
    private boolean transforming;
    private WebSocketEngine engine;
    private Endpoint endpoint;
    private volatile ServerSession session;
    private LoopTimer closeTimer;
    private LoopTimer idleTimer;
    private LoopTimer pingTimer;
    private LoopTimer pongTimer;
    private LoopTimer progressTimer;
    private long pingSentAt;
    /** {@link Connection#bytesRead()} when our close frame was queued; -1 before, or when the peer closed first. */
    private long bytesReadAtOurClose = -1;
    private boolean readingStoppedAfterClose;
    private long acceptedNanos;
    /** Set when the access log recorded the upgrade, so that it records the close too. */
    private SocketAddress accessLogged;
    private boolean flushScheduled;
    private boolean closeStarted;
    private boolean drainRequested;
    /** No more sends are accepted: closing or closed. */
    private volatile boolean closing;
    /** Bytes of sends handed to the loop by other threads and not queued in the engine yet. */
    private final AtomicLong inFlight = new AtomicLong();
    /** The connection's buffered amount as the loop last saw it. */
    private volatile long loopBuffered;
    /** Output and input bytes as last reported to the budget; written on the loop, read by the budget pass. */
    private volatile long heldOutput;
    private volatile long heldInput;
    private final AtomicBoolean shed = new AtomicBoolean();
    /** The peer address counted against the per-address limit, released on close; null if not counted. */
    private InetAddress countedAddress;

    ServerConnection(WebSocketServer server, EventLoop loop, Transport transport, Executor callbackExecutor) {
        this.server = server;
        this.settings = server.settings();
        this.limits = server.limitSettings();
        this.budget = server.memoryBudget();
        this.overload = server.overloadCounters();
        this.loop = loop;
        this.connection = new Connection(loop, transport, this);
        this.connection.owner(this);
        this.callbacks = callbackExecutor == null ? null : new SerialExecutor(callbackExecutor);
    }

    EventLoop loop() {
        return loop;
    }

    /** Loop thread: registers the socket and arms the handshake timeout. */
    void start() {
        acceptedNanos = System.nanoTime();
        http = new HttpExchange(this, server, loop, connection);
        http.start();
        connection.start();
    }

    /** Loop thread: over a connection limit, answers {@code response} (a 503) at once and closes. */
    void startRejected(ByteBuffer response) {
        closing = true;
        connection.writeRaw(response);
        connection.start();
        closeTimer = loop.schedule(Math.min(REJECT_LINGER_NANOS, settings.closeTimeoutNanos()), connection::close);
        connection.closeAfterFlush();
    }

    /** The HTTP phase's request head did not arrive within the handshake timeout. */
    void handshakeTimedOut() {
        overload.handshakeTimeouts.increment();
        connection.close();
    }

    void countedAddress(InetAddress address) {
        this.countedAddress = address;
    }

    InetAddress countedAddress() {
        return countedAddress;
    }

    // ------------------------------------------------------------------------------------------ HTTP phase

    @Override
    public void onHandshakeData(Connection c, ByteBuffer data) {
        if (http == null) { // rejected for a connection limit: the 503 is going out, the request is not read
            data.position(data.limit());
            return;
        }
        http.onData(data);
    }

    /** Called by the HTTP phase (which cancelled its timers) for a request that upgrades. */
    void upgrade(RequestRouter.Upgrade upgrade, HttpRequest request) {
        transforming = !upgrade.extensions().extensions().isEmpty();
        engine = new WebSocketEngine(Role.SERVER, settings.engineConfig(), this, connection.outbound(),
                upgrade.extensions().extensions());
        connection.writeRaw(ByteBuffer.wrap(upgrade.response101()));
        accessLogged = AccessLog.upgrade(connection, request, http.requestStartNanos());
        connection.upgrade(engine);
        endpoint = upgrade.route().endpoint();
        session = new ServerSession(this, request, upgrade.subprotocol(), upgrade.attachment());
        server.sessionOpened(session);
        ServerSession s = session;
        dispatch(() -> endpoint.onOpen(s));
        startLiveness();
        if (limits.progressCheckNanos() > 0) {
            progressTimer = loop.schedule(limits.progressCheckNanos(), progressCheck);
        }
    }

    // ----------------------------------------------------------------------------------- engine callbacks

    @Override
    public void onText(ByteBuffer utf8) {
        loop.counters().messagesIn.add(1);
        String text = loop.textDecoder().decode(utf8);
        ServerSession s = session;
        dispatch(() -> endpoint.onText(s, text));
    }

    @Override
    public void onBinary(ByteBuffer data) {
        loop.counters().messagesIn.add(1);
        ServerSession s = session;
        if (callbacks == null) {
            dispatch(() -> endpoint.onBinary(s, data));
        } else {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
            dispatch(() -> endpoint.onBinary(s, copy));
        }
    }

    /** Auto-pongs are queued by the engine itself: a ping flood from a peer that does not read must not grow them. */
    @Override
    public void onPing(ByteBuffer payload) {
        if (connection.bufferedAmount() > settings.highWaterMark()) {
            connection.pauseReading();
        }
        requestFlush();
    }

    @Override
    public void onCloseReceived(CloseStatus status) {
        closing = true;
        closeStarted = true;
        armCloseTimer();
        connection.closeAfterFlush();
    }

    @Override
    public void onProtocolError(ProtocolException error) {
        server.countError();
        closing = true;
        closeStarted = true;
        ServerSession s = session;
        dispatch(() -> endpoint.onError(s, error));
        armCloseTimer();
        connection.closeAfterFlush();
    }

    // ------------------------------------------------------------------------------------------- closing

    @Override
    public void onClosed(Connection c, Throwable cause) {
        closing = true;
        if (http != null) {
            http.onClosed();
        }
        cancel(closeTimer);
        cancel(idleTimer);
        cancel(pingTimer);
        cancel(pongTimer);
        cancel(progressTimer);
        loopBuffered = 0;
        account();
        server.connectionClosed(this);
        ServerSession s = session;
        if (s == null) {
            return;
        }
        CloseStatus status = engine.closeStatus();
        AccessLog.closed(accessLogged, s.request(), status.code(), acceptedNanos);
        if (cause != null && !loop.isShuttingDown()) {
            dispatch(() -> endpoint.onError(s, cause));
        }
        dispatch(() -> {
            try {
                endpoint.onClose(s, status.code(), status.reason(), status.wasClean());
            } finally {
                server.sessionClosed(s);
            }
        });
    }

    /** Any thread: starts the close handshake. */
    void closeFromApplication(int code, String reason) {
        closing = true;
        loop.run(() -> closeOnLoop(code, reason));
    }

    /**
     * Any thread: drops the socket now, with no close frame and without flushing what is queued (what a crashed
     * server looks like to the peer); onClose reports 1006. Not public API: tests reach it through a helper.
     */
    void abort() {
        closing = true;
        loop.run(connection::close);
    }

    /**
     * Any thread: closes for overload or backpressure. The queued backlog is discarded (except a frame already
     * partly written) so the close frame goes out at once instead of behind it; then the usual close handshake.
     */
    void closeDiscardingBacklog(int code, String reason) {
        closing = true;
        loop.run(() -> closeDiscardingOnLoop(code, reason));
    }

    private void closeDiscardingOnLoop(int code, String reason) {
        closing = true;
        if (!connection.isOpen()) {
            return;
        }
        if (closeStarted) {
            // our close frame is queued behind the backlog already: nothing better than dropping the socket
            connection.close();
            return;
        }
        if (engine != null) {
            connection.discardUnstarted();
        }
        closeOnLoop(code, reason);
        account();
    }

    /**
     * Any thread: the memory budget (or the per-connection cap) sheds this connection: 1009 if most of what it
     * holds is input, 1013 otherwise, with the backlog discarded. Returns false if it was shed already.
     */
    boolean shed(String reason) {
        if (!shed.compareAndSet(false, true)) {
            return false;
        }
        boolean input = heldInput > heldOutput + inFlight.get();
        closeDiscardingBacklog(input ? CloseCodes.MESSAGE_TOO_BIG : CloseCodes.TRY_AGAIN_LATER, reason);
        return true;
    }

    boolean isShed() {
        return shed.get();
    }

    /** Any thread: an {@link HttpCall}'s stream passed the per-connection cap; counted like a WebSocket's. */
    void shedHttp(String reason) {
        if (shed(reason)) {
            overload.shed.increment();
        }
    }

    /** Any thread: {@code delta} bytes of an {@link HttpCall}'s stream are on their way to (or arrived at) the loop. */
    void inFlight(long delta) {
        inFlight.addAndGet(delta);
        budget.add(delta);
        if (delta > 0) {
            budget.grew(null);
        }
    }

    long inFlightBytes() {
        return inFlight.get();
    }

    /** Bytes held for the peer now, as last reported; any thread. */
    long heldBytes() {
        return heldOutput + heldInput + inFlight.get();
    }

    /** Loop thread: reports the change of what this connection holds to the budget. */
    void account() {
        boolean open = connection.isOpen();
        long out = open ? connection.bufferedAmount() : 0;
        long in = !open ? 0 : engine != null ? engine.bufferedInputBytes() : http != null ? http.heldInputBytes() : 0;
        long delta = out - heldOutput + in - heldInput;
        if (delta != 0) {
            heldOutput = out;
            heldInput = in;
            budget.add(delta);
            if (delta > 0) {
                budget.grew(loop);
            }
        }
    }

    @Override
    public void onInputProcessed(Connection c) {
        if (engine != null) {
            account();
        }
        if (bytesReadAtOurClose >= 0 && !readingStoppedAfterClose
                && connection.bytesRead() - bytesReadAtOurClose > MAX_READ_AFTER_CLOSE) {
            // A peer that answers our close frame does so at once; one that keeps sending (a flooder that was shed
            // and never reads) would otherwise be read and discarded at full speed until the close timeout. Stop
            // reading instead of dropping the socket: a reset now could destroy the close frame before the peer
            // reads it. The close timer drops the connection.
            readingStoppedAfterClose = true;
            connection.pauseReading();
        }
    }

    /** Server stop: open sessions get 1001, connections still in the HTTP phase are dropped. */
    void goingAway() {
        if (engine == null) {
            connection.close();
        } else {
            closeOnLoop(CloseCodes.GOING_AWAY, "server stopping");
        }
    }

    private void closeOnLoop(int code, String reason) {
        closing = true;
        if (closeStarted || !connection.isOpen()) {
            return;
        }
        closeStarted = true;
        if (engine == null) {
            connection.close();
            return;
        }
        bytesReadAtOurClose = connection.bytesRead();
        engine.close(code, reason);
        armCloseTimer();
        requestFlush();
    }

    /** Bounds the close handshake and the final flush: the socket is dropped when it fires. */
    void armCloseTimer() {
        if (closeTimer == null) {
            closeTimer = loop.schedule(settings.closeTimeoutNanos(), connection::close);
        }
    }

    // --------------------------------------------------------------------------------------------- liveness

    private void startLiveness() {
        if (settings.idleTimeoutNanos() > 0) {
            idleTimer = loop.schedule(settings.idleTimeoutNanos(), this::checkIdle);
        }
        if (settings.pingIntervalNanos() > 0) {
            pingTimer = loop.schedule(settings.pingIntervalNanos(), this::pingIfQuiet);
        }
    }

    private void checkIdle() {
        long quiet = System.nanoTime() - connection.lastReadNanos();
        if (quiet >= settings.idleTimeoutNanos()) {
            closeOnLoop(CloseCodes.GOING_AWAY, "idle timeout");
        } else if (!closeStarted) {
            idleTimer = loop.schedule(settings.idleTimeoutNanos() - quiet, this::checkIdle);
        }
    }

    private void pingIfQuiet() {
        if (closeStarted || !connection.isOpen()) {
            return;
        }
        long now = System.nanoTime();
        if (pongTimer != null && connection.lastReadNanos() - pingSentAt >= 0) {
            pongTimer.cancel(); // the peer answered (anything counts)
        }
        if (now - connection.lastReadNanos() >= settings.pingIntervalNanos() && (pongTimer == null
                || pongTimer.isCancelled())) {
            pingSentAt = now;
            engine.ping(EMPTY.duplicate());
            requestFlush();
            pongTimer = loop.schedule(settings.pongTimeoutNanos(), this::checkPong);
        }
        pingTimer = loop.schedule(settings.pingIntervalNanos(), this::pingIfQuiet);
    }

    /** Closes a session whose message stopped arriving midway, or whose output the socket stopped taking. */
    private void checkProgress() {
        progressTimer = null;
        if (closeStarted || !connection.isOpen()) {
            return;
        }
        long now = System.nanoTime();
        long stalledSince = connection.writeStalledSinceNanos();
        if (limits.writeTimeoutNanos() > 0 && stalledSince != 0 && now - stalledSince >= limits.writeTimeoutNanos()) {
            overload.writeTimeouts.increment();
            closeDiscardingOnLoop(CloseCodes.TRY_AGAIN_LATER, "write timeout");
            return;
        }
        if (limits.readTimeoutNanos() > 0 && !connection.isReadingPaused() && engine.isReceivingMessage()
                && now - connection.lastReadNanos() >= limits.readTimeoutNanos()) {
            overload.readTimeouts.increment();
            closeDiscardingOnLoop(CloseCodes.POLICY_VIOLATION, "read timeout");
            return;
        }
        progressTimer = loop.schedule(limits.progressCheckNanos(), progressCheck);
    }

    private void checkPong() {
        if (connection.lastReadNanos() - pingSentAt < 0) {
            connection.close(); // a dead peer: no close handshake is possible, so this is 1006
        }
    }

    // -------------------------------------------------------------------------------------------- sending

    SendResult send(String text) {
        long size = text.length();
        return send(size, () -> engine.sendText(text));
    }

    SendResult send(ByteBuffer data) {
        if (closing) {
            return SendResult.REFUSED;
        }
        ByteBuffer payload = data;
        if (!loop.inEventLoop()) {
            payload = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        }
        ByteBuffer p = payload;
        return send(p.remaining(), () -> engine.sendBinary(p));
    }

    /**
     * On the loop (broadcast): queues a shared frame if the policy lets it in. A connection with a transforming
     * extension (permessage-deflate) cannot send shared bytes, so it encodes the frame's payload itself.
     */
    void sendEncoded(EncodedFrame frame) {
        if (closing || engine == null || admit(frame.size()) == SendResult.REFUSED) {
            return;
        }
        if (!connection.isOpen()) {
            return;
        }
        boolean queued;
        if (!transforming) {
            queued = engine.sendEncoded(frame);
        } else if (frame.isText()) {
            queued = engine.sendText(frame.payload());
        } else {
            queued = engine.sendBinary(frame.payload());
        }
        if (queued) {
            afterQueued();
        }
    }

    private SendResult send(long size, java.util.function.BooleanSupplier queue) {
        if (closing) {
            return SendResult.REFUSED;
        }
        SendResult admitted = admit(size);
        if (admitted == SendResult.REFUSED) {
            return admitted;
        }
        if (loop.inEventLoop()) {
            if (!connection.isOpen() || !queue.getAsBoolean()) {
                return SendResult.REFUSED;
            }
            afterQueued();
            return loopBuffered > settings.highWaterMark() ? SendResult.QUEUED_ABOVE_HIGH_WATER : SendResult.QUEUED;
        }
        inFlight.addAndGet(size);
        budget.add(size);
        budget.grew(null);
        loop.execute(() -> {
            inFlight.addAndGet(-size);
            budget.add(-size);
            if (connection.isOpen() && queue.getAsBoolean()) {
                afterQueued();
            }
        });
        return admitted;
    }

    /** Applies the high-water policy to a message of {@code size} bytes; a message into an empty queue always passes. */
    private SendResult admit(long size) {
        long buffered = bufferedAmount();
        if (buffered + size <= settings.highWaterMark()) {
            return SendResult.QUEUED;
        }
        if (buffered == 0) {
            return SendResult.QUEUED_ABOVE_HIGH_WATER;
        }
        if (buffered + size > limits.maxBufferedPerConnection()) {
            if (shed("send buffer over the per-connection limit")) {
                overload.shed.increment();
            }
            return SendResult.REFUSED;
        }
        switch (settings.backpressurePolicy()) {
            case PAUSE_READING:
                return SendResult.QUEUED_ABOVE_HIGH_WATER;
            case DROP:
                return SendResult.REFUSED;
            case CLOSE_POLICY_VIOLATION:
                closeDiscardingBacklog(CloseCodes.POLICY_VIOLATION, "send buffer full");
                return SendResult.REFUSED;
            default:
                closeDiscardingBacklog(CloseCodes.TRY_AGAIN_LATER, "send buffer full");
                return SendResult.REFUSED;
        }
    }

    private void afterQueued() {
        loop.counters().messagesOut.add(1);
        loopBuffered = connection.bufferedAmount();
        account();
        if (loopBuffered > settings.highWaterMark()) {
            drainRequested = true;
            if (settings.backpressurePolicy() == BackpressurePolicy.PAUSE_READING) {
                connection.pauseReading();
            }
        }
        requestFlush();
    }

    /** Loop thread: writes once at the end of this loop pass, however many messages are queued until then. */
    private void requestFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            loop.atEndOfPass(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        connection.flush();
        afterWrite();
    }

    @Override
    public void onWriteProgress(Connection c) {
        if (engine == null) {
            if (http != null) {
                http.onWriteProgress();
            }
            return;
        }
        afterWrite();
    }

    private void afterWrite() {
        if (!connection.isOpen()) {
            return;
        }
        loopBuffered = connection.bufferedAmount();
        account();
        if (connection.isReadingPaused() && loopBuffered <= settings.lowWaterMark() && !readingStoppedAfterClose) {
            connection.resumeReading();
        }
        if (drainRequested && loopBuffered == 0 && session != null && !closeStarted) {
            drainRequested = false;
            ServerSession s = session;
            dispatch(() -> endpoint.onDrain(s));
        }
    }

    long bufferedAmount() {
        return inFlight.get() + loopBuffered;
    }

    void requestDrainNotification() {
        loop.run(() -> {
            drainRequested = true;
            afterWrite();
        });
    }

    boolean isOpenForSending() {
        return !closing;
    }

    SocketAddress remoteAddress() {
        return connection.isOpen() ? connection.remoteAddress() : null;
    }

    // ------------------------------------------------------------------------------------------ callbacks

    /** Runs an endpoint callback inline or on the session's serial executor; a throwing callback closes 1011. */
    private void dispatch(Runnable callback) {
        if (callbacks == null) {
            runGuarded(callback);
        } else {
            callbacks.execute(() -> runGuarded(callback));
        }
    }

    private void runGuarded(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            server.countError();
            ServerSession s = session;
            try {
                endpoint.onError(s, e);
            } catch (RuntimeException | Error failed) {
                // the endpoint's error handler failed too: reported, and the close below still happens
                server.countError();
                failed.addSuppressed(e);
                ON_ERROR_FAILED.log("the endpoint's onError threw while handling " + e + " on " + s, failed);
            }
            closeFromApplication(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }

    private static void cancel(LoopTimer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }
}
