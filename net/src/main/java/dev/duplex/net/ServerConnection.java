package dev.duplex.net;

import dev.duplex.core.CloseCodes;
import dev.duplex.core.CloseStatus;
import dev.duplex.core.EncodedFrame;
import dev.duplex.core.EngineHandler;
import dev.duplex.core.ProtocolException;
import dev.duplex.core.Role;
import dev.duplex.core.WebSocketEngine;
import dev.duplex.core.handshake.HttpRequest;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One accepted socket through its life on the server: the HTTP phase ({@link HttpExchange}: plain requests on a
 * kept-alive connection, until one upgrades), then running the engine for the endpoint with liveness checks,
 * backpressure and the close handshake.
 *
 * <p><b>Threading:</b> lives on one event loop. {@link #send}, {@link #closeFromApplication},
 * {@link #bufferedAmount} and {@link #requestDrainNotification} may be called from any thread and hop to the
 * loop; everything else runs on it.
 */
final class ServerConnection implements ConnectionListener, EngineHandler {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final WebSocketServer server;
    private final ServerSettings settings;
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
    private long pingSentAt;
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

    ServerConnection(WebSocketServer server, EventLoop loop, Transport transport, Executor callbackExecutor) {
        this.server = server;
        this.settings = server.settings();
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

    // ------------------------------------------------------------------------------------------ HTTP phase

    @Override
    public void onHandshakeData(Connection c, ByteBuffer data) {
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
        loopBuffered = 0;
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
        loop.execute(() -> {
            inFlight.addAndGet(-size);
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
        switch (settings.backpressurePolicy()) {
            case PAUSE_READING:
                return SendResult.QUEUED_ABOVE_HIGH_WATER;
            case DROP:
                return SendResult.REFUSED;
            case CLOSE_POLICY_VIOLATION:
                closeFromApplication(CloseCodes.POLICY_VIOLATION, "send buffer full");
                return SendResult.REFUSED;
            default:
                closeFromApplication(CloseCodes.TRY_AGAIN_LATER, "send buffer full");
                return SendResult.REFUSED;
        }
    }

    private void afterQueued() {
        loop.counters().messagesOut.add(1);
        loopBuffered = connection.bufferedAmount();
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
            http.onWriteProgress();
            return;
        }
        afterWrite();
    }

    private void afterWrite() {
        if (!connection.isOpen()) {
            return;
        }
        loopBuffered = connection.bufferedAmount();
        if (connection.isReadingPaused() && loopBuffered <= settings.lowWaterMark()) {
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
            } catch (RuntimeException | Error ignored) {
                // the endpoint's error handler failed too; the close below still happens
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
