package dev.duplex.net;

import dev.duplex.core.CloseCodes;
import dev.duplex.core.CloseStatus;
import dev.duplex.core.EngineHandler;
import dev.duplex.core.ProtocolException;
import dev.duplex.core.Role;
import dev.duplex.core.WebSocketEngine;
import dev.duplex.core.extension.Extension;
import dev.duplex.core.extension.ExtensionNegotiation;
import dev.duplex.core.handshake.ClientHandshake;
import dev.duplex.core.handshake.HandshakeResult;
import dev.duplex.core.handshake.HttpResponse;
import dev.duplex.core.handshake.ResponseParser;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

/**
 * One client connection attempt, from DNS to the closed socket: resolve (off the loop), TCP connect, optional
 * proxy CONNECT, then a {@link Connection} over a plain or TLS {@link Transport} for the opening handshake and
 * the frames of a {@link WebSocketEngine}.
 *
 * <p><b>Threading:</b> every method runs on the owning {@link EventLoop} thread (DNS runs on the resolver
 * executor and hops back). Reports go to the {@link ClientConnectionListener}, on the loop.
 *
 * <p><b>Bounds:</b> the proxy answer and the 101 are parsed with the core parsers' limits; a connection that does
 * not open within the connect timeout, or does not finish its close handshake within the close timeout, is
 * closed with a {@link TimeoutException}; after a complete close handshake the server gets the close linger
 * time to close TCP first (RFC 6455 section 7.1.1). Every exit path closes the socket and reports
 * {@link ClientConnectionListener#onClosed} exactly once.
 */
final class ClientConnection implements IoHandler, ConnectionListener {
    private enum Phase { RESOLVING, CONNECTING, PROXY, HANDSHAKE, OPEN, CLOSED }

    private static final int PROXY_READ_BUFFER = 1024;

    private final EventLoop loop;
    private final ClientHandshake handshake;
    private final ConnectionSettings settings;
    private final ClientConnectionListener listener;
    private final Executor resolver;

    private Phase phase = Phase.RESOLVING;
    private SocketChannel channel;
    private SelectionKey key;
    private ProxyTunnel tunnel;
    private ByteBuffer proxyOut;
    private Connection connection;
    private final ResponseParser responseParser = new ResponseParser();
    private WebSocketEngine engine;
    private ProtocolException protocolError;
    private LoopTimer connectTimer;
    private LoopTimer closeTimer;
    private Throwable failure;
    private final PendingPings pings = new PendingPings();

    ClientConnection(EventLoop loop, ClientHandshake handshake, ConnectionSettings settings,
                     ClientConnectionListener listener, Executor resolver) {
        this.loop = loop;
        this.handshake = handshake;
        this.settings = settings;
        this.listener = listener;
        this.resolver = resolver;
    }

    // ------------------------------------------------------------------------------------------- API (loop)

    /** Starts the attempt: DNS off the loop, the rest on it. */
    void start() {
        connectTimer = loop.schedule(settings.connectTimeout().toNanos(), () -> fail(
                new TimeoutException("no WebSocket connection to " + handshake.host() + ":" + handshake.port()
                        + " within " + settings.connectTimeout().toMillis() + " ms (" + phaseInWords() + ")")));
        HttpProxy proxy = settings.proxy();
        String host = proxy == null ? handshake.host() : proxy.host();
        int port = proxy == null ? handshake.port() : proxy.port();
        CompletableFuture.supplyAsync(() -> resolve(host), resolver).whenComplete((address, error) ->
                loop.execute(() -> {
                    if (phase != Phase.RESOLVING) {
                        return;
                    }
                    if (error != null) {
                        fail(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                    } else {
                        connect(new InetSocketAddress(address, port));
                    }
                }));
    }

    /** Where a timed-out attempt stood, for its message: "(during the opening handshake)". */
    private String phaseInWords() {
        return switch (phase) {
            case RESOLVING -> "while resolving the host name";
            case CONNECTING -> "while connecting";
            case PROXY -> "while the proxy connects";
            case HANDSHAKE -> "during the opening handshake";
            case OPEN, CLOSED -> "after the handshake";
        };
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    /** Whether messages may be sent: open, and no close frame sent yet. */
    boolean isOpen() {
        return phase == Phase.OPEN && engine.state() == WebSocketEngine.State.OPEN;
    }

    /** Queues one message on the engine without writing; call {@link #flush()} after a batch. */
    boolean send(OutgoingMessage m) {
        if (!isOpen()) {
            return false;
        }
        ByteBuffer payload = ByteBuffer.wrap(m.payload());
        return m.text() ? engine.sendText(payload) : engine.sendBinary(payload);
    }

    void flush() {
        if (phase == Phase.OPEN) {
            connection.flush();
            listener.onOutboundChanged(this, connection.bufferedAmount());
        }
    }

    /** Sends a ping now; {@code pong} completes when the server answers it, or fails when the connection ends. */
    void ping(byte[] payload, CompletableFuture<java.time.Duration> pong) {
        if (!isOpen()) {
            pong.completeExceptionally(new IOException("the connection is not open"));
            return;
        }
        if (!pings.add(payload, pong)) {
            return;
        }
        engine.ping(ByteBuffer.wrap(payload));
        flush();
    }

    /** Starts the close handshake (open) or abandons the attempt (before open). */
    void close(int code, String reason) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (phase != Phase.OPEN) {
            fail(new IOException("closed by the application before the connection was established"));
            return;
        }
        if (engine.close(code, reason)) {
            closeTimer = loop.schedule(settings.closeTimeout().toNanos(), () -> fail(new TimeoutException(
                    "the server did not complete the close handshake within "
                            + settings.closeTimeout().toMillis() + " ms")));
        }
        flush();
    }

    /** Bytes queued and not yet written to the network. */
    long bufferedAmount() {
        return connection == null || phase != Phase.OPEN ? 0 : connection.bufferedAmount();
    }

    // ------------------------------------------------------------------------------------------- connecting

    private void connect(InetSocketAddress address) {
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            phase = Phase.CONNECTING;
            key = loop.register(channel, SelectionKey.OP_CONNECT, this);
            if (channel.connect(address)) {
                onConnected();
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** Ready events until the {@link Connection} takes over the key: connect and the proxy exchange. */
    @Override
    public void onReady(SelectionKey k) {
        try {
            if (phase == Phase.CONNECTING && k.isConnectable()) {
                if (channel.finishConnect()) {
                    onConnected();
                }
                return;
            }
            if (phase == Phase.PROXY) {
                if (k.isWritable()) {
                    writeProxyRequest();
                }
                if (k.isValid() && k.isReadable()) {
                    readProxyAnswer();
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void onLoopError(Throwable error) {
        fail(error);
    }

    private void onConnected() throws IOException {
        if (settings.proxy() == null) {
            afterTunnel();
            return;
        }
        phase = Phase.PROXY;
        tunnel = new ProxyTunnel(settings.proxy(), handshake.host(), handshake.port());
        proxyOut = ByteBuffer.wrap(tunnel.request());
        key.interestOps(SelectionKey.OP_READ);
        writeProxyRequest();
    }

    private void writeProxyRequest() throws IOException {
        channel.write(proxyOut);
        key.interestOps(SelectionKey.OP_READ | (proxyOut.hasRemaining() ? SelectionKey.OP_WRITE : 0));
    }

    private void readProxyAnswer() throws IOException {
        // Read a little at a time so that nothing past the proxy's answer is consumed: the parser stops at the
        // end of the head, and a proxy must not send anything after it before we do.
        ByteBuffer in = ByteBuffer.allocate(PROXY_READ_BUFFER);
        int n = channel.read(in);
        if (n < 0) {
            throw new EOFException("the proxy closed the connection before answering CONNECT");
        }
        in.flip();
        if (tunnel.feed(in)) {
            if (in.hasRemaining()) {
                throw new IOException("the proxy sent " + in.remaining() + " bytes after its CONNECT answer");
            }
            afterTunnel();
        }
    }

    /** TCP (and tunnel) ready: hand the socket to a {@link Connection} and send the upgrade request. */
    private void afterTunnel() throws IOException {
        Transport transport;
        if (handshake.secure()) {
            SSLContext context = settings.sslContext();
            if (context == null) {
                try {
                    context = SSLContext.getDefault();
                } catch (NoSuchAlgorithmException e) {
                    throw new SSLException("no default TLS context", e);
                }
            }
            transport = new TlsTransport(channel, ClientTls.engine(context, handshake.host(), handshake.port()));
        } else {
            transport = new PlainTransport(channel);
        }
        phase = Phase.HANDSHAKE;
        connection = new Connection(loop, transport, this);
        connection.writeRaw(ByteBuffer.wrap(handshake.request()));
        key.interestOps(0); // drop OP_CONNECT (and the proxy's interests): the Connection sets its own
        connection.start(key);
    }

    // ------------------------------------------------------------------------------------------- Connection

    @Override
    public void onHandshakeData(Connection c, ByteBuffer data) {
        if (phase != Phase.HANDSHAKE) {
            data.position(data.limit());
            return;
        }
        HttpResponse response = responseParser.feed(data);
        if (response == null) {
            return;
        }
        HandshakeResult result = handshake.validate(response, data);
        // A response the client did not allow throws HandshakeException (502): the Connection closes and
        // onClosed reports it as a failure to connect (error, then 1006).
        List<Extension> extensions = ExtensionNegotiation.clientAccept(settings.extensions(), result.extensions());
        connectTimer.cancel();
        engine = new WebSocketEngine(Role.CLIENT, settings.engineConfig(), new Handler(), c.outbound(), extensions);
        c.upgrade(engine);
        phase = Phase.OPEN;
        listener.onOpen(this, result);
    }

    /**
     * Input followed a message in the same read. The application answers messages later (its sends hop to the loop,
     * its events may run on another executor): hold that input until it has, so that a protocol violation in it
     * fails the connection after the answers, as on the server, whose handlers answer inside the read.
     */
    @Override
    public void onInputHeld(Connection c) {
        listener.afterMessagesHandled(() -> loop.execute(c::resumeInput));
    }

    @Override
    public void onWriteProgress(Connection c) {
        listener.onOutboundChanged(this, c.bufferedAmount());
    }

    @Override
    public void onClosed(Connection c, Throwable cause) {
        Throwable error = failure != null ? failure : cause;
        if (phase != Phase.OPEN) {
            if (error == null) {
                error = new EOFException("the server closed the connection during the "
                        + phase.name().toLowerCase(Locale.ROOT) + " phase");
            }
            end(new CloseStatus(CloseCodes.ABNORMAL_CLOSURE, "", false), error);
            return;
        }
        CloseStatus status = engine.closeStatus();
        if (status == null) {
            status = new CloseStatus(CloseCodes.ABNORMAL_CLOSURE, "", false);
        }
        if (protocolError != null) {
            error = protocolError;
        } else if (error == null && !status.wasClean()) {
            error = new EOFException("the server closed the connection without a close handshake");
        }
        end(status, error);
    }

    /** After each read: the engine may have finished the close handshake or failed. */
    private void afterEngineInput() {
        if (phase != Phase.OPEN) {
            return;
        }
        if (protocolError != null) {
            connection.closeAfterFlush();
            lingerThenClose();
            return;
        }
        if (engine.state() == WebSocketEngine.State.CLOSED) {
            lingerThenClose();
        }
    }

    /**
     * The close frames are exchanged, or ours failed the connection (RFC 6455 7.1.1): the server closes TCP first,
     * so wait a bounded time for it, then close ourselves.
     */
    private void lingerThenClose() {
        if (closeTimer != null) {
            closeTimer.cancel();
        }
        closeTimer = loop.schedule(settings.closeLinger().toNanos(), connection::close);
    }

    // ------------------------------------------------------------------------------------------- ending

    /** Ends the attempt or connection with an error, closing the socket now. */
    private void fail(Throwable error) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (connection != null) {
            failure = error;
            connection.close(); // reports through onClosed
            return;
        }
        if (channel != null) {
            if (key != null) {
                key.cancel();
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway: nothing more can be done with this socket
            }
        }
        end(new CloseStatus(CloseCodes.ABNORMAL_CLOSURE, "", false), error);
    }

    private void end(CloseStatus status, Throwable error) {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        if (connectTimer != null) {
            connectTimer.cancel();
        }
        if (closeTimer != null) {
            closeTimer.cancel();
        }
        pings.failAll(new IOException("the connection closed before the pong arrived"));
        listener.onOutboundChanged(this, 0);
        listener.onClosed(this, status, error);
    }

    /** Turns engine callbacks into listener calls. */
    private final class Handler implements EngineHandler {
        @Override
        public void onText(ByteBuffer utf8) {
            listener.onMessage(ClientConnection.this, true, utf8);
            engine.suspendInput(); // see onInputHeld
        }

        @Override
        public void onBinary(ByteBuffer data) {
            listener.onMessage(ClientConnection.this, false, data);
            engine.suspendInput();
        }

        @Override
        public void onPong(ByteBuffer payload) {
            pings.pongReceived(payload);
        }

        @Override
        public void onCloseReceived(CloseStatus status) {
            loop.execute(ClientConnection.this::afterEngineInput);
        }

        @Override
        public void onProtocolError(ProtocolException error) {
            protocolError = error;
            loop.execute(ClientConnection.this::afterEngineInput);
        }
    }

    @Override
    public String toString() {
        return "ClientConnection[" + handshake.host() + ":" + handshake.port() + ", " + phase + "]";
    }
}
