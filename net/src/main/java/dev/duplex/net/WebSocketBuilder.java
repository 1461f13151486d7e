package dev.duplex.net;

import dev.duplex.core.EngineConfig;
import dev.duplex.core.deflate.PerMessageDeflate;
import dev.duplex.core.extension.ExtensionFactory;
import dev.duplex.core.extension.ExtensionNegotiation;
import dev.duplex.core.handshake.ClientHandshake;
import dev.duplex.core.handshake.HttpHeaders;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Configures and opens a client {@link WebSocket}. Listeners registered here are in place before the first
 * event, so none is missed. Not thread-safe; one builder may open several sockets with the same settings.
 *
 * <p>Defaults: no subprotocols or extra headers, the JDK's default trust (with SNI and hostname verification,
 * which cannot be disabled), no proxy, connect timeout 10 s, close timeout 5 s, close linger 2 s, no
 * reconnection, events on the shared {@link ClientEventLoop}, {@link BinaryType#BYTE_BUFFER}, at most 16 MiB
 * buffered, the engine's default limits (16 MiB messages), no compression.
 */
public final class WebSocketBuilder {
    private final URI uri;
    private final List<String> subprotocols = new ArrayList<>();
    private final HttpHeaders.Builder headers = HttpHeaders.builder();
    private SSLContext sslContext;
    private HttpProxy proxy;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private Duration closeLinger = Duration.ofSeconds(2);
    private ReconnectPolicy reconnect;
    private ClientEventLoop eventLoop;
    private Executor eventExecutor;
    private BinaryType binaryType = BinaryType.BYTE_BUFFER;
    private long maxBufferedAmount = 16L << 20;
    private EngineConfig engineConfig = EngineConfig.defaults();
    private PerMessageDeflate compression;
    private final List<Consumer<WebSocket>> registrations = new ArrayList<>();

    WebSocketBuilder(URI uri) {
        this.uri = Objects.requireNonNull(uri, "uri");
        new ClientHandshake(uri); // checks the URI now: ws or wss, a host, no fragment (the browser's SyntaxError)
    }

    /** Subprotocols to offer, in order of preference. */
    public WebSocketBuilder subprotocols(String... protocols) {
        subprotocols.addAll(List.of(protocols));
        return this;
    }

    /** An extra request header (Origin, Cookie, Authorization...); handshake headers are refused at connect. */
    public WebSocketBuilder header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /** The TLS context for wss (its trust managers decide which certificates are trusted). */
    public WebSocketBuilder sslContext(SSLContext context) {
        this.sslContext = Objects.requireNonNull(context, "context");
        return this;
    }

    /**
     * Trusts the certificates in a key store file (PKCS12 or JKS, detected) instead of the JDK's defaults, e.g. a
     * self-signed test certificate. Hostname verification still applies.
     *
     * @throws IOException              if the file cannot be read or the password is wrong
     * @throws GeneralSecurityException if the store or TLS cannot be set up
     */
    public WebSocketBuilder trustStore(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(file.toFile(), password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return sslContext(context);
    }

    /** Connects through an HTTP CONNECT proxy. */
    public WebSocketBuilder proxy(HttpProxy proxy) {
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        return this;
    }

    /** Bound on DNS, TCP connect, proxy, TLS and the opening handshake together. */
    public WebSocketBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = positive(timeout, "connectTimeout");
        return this;
    }

    /** How long to wait for the server's close frame after ours before dropping the connection. */
    public WebSocketBuilder closeTimeout(Duration timeout) {
        this.closeTimeout = positive(timeout, "closeTimeout");
        return this;
    }

    /**
     * After a complete close handshake, how long to wait for the server to close TCP (RFC 6455 section 7.1.1)
     * before closing it ourselves.
     */
    public WebSocketBuilder closeLinger(Duration linger) {
        this.closeLinger = positive(linger, "closeLinger");
        return this;
    }

    /** Enables automatic reconnection. */
    public WebSocketBuilder reconnect(ReconnectPolicy policy) {
        this.reconnect = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** The loop that drives the socket; the shared one by default. */
    public WebSocketBuilder eventLoop(ClientEventLoop loop) {
        this.eventLoop = Objects.requireNonNull(loop, "loop");
        return this;
    }

    /** Dispatches events on {@code executor} (one at a time, in order) instead of the loop thread. */
    public WebSocketBuilder eventExecutor(Executor executor) {
        this.eventExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    public WebSocketBuilder binaryType(BinaryType type) {
        this.binaryType = Objects.requireNonNull(type, "type");
        return this;
    }

    /** The most bytes {@link WebSocket#bufferedAmount()} may reach through sends while open. */
    public WebSocketBuilder maxBufferedAmount(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxBufferedAmount must be positive, was " + bytes);
        }
        this.maxBufferedAmount = bytes;
        return this;
    }

    /** Limits for incoming frames and messages. */
    public WebSocketBuilder engineConfig(EngineConfig config) {
        this.engineConfig = Objects.requireNonNull(config, "config");
        return this;
    }

    /**
     * Offers permessage-deflate (RFC 7692) with these parameters, e.g. {@code PerMessageDeflate.defaults()}.
     * The server may decline: the socket then opens without compression and {@link WebSocket#extensions()} is
     * empty. A server answer the client did not allow (parameters it did not offer, a larger window than it asked
     * for, a missing {@code server_no_context_takeover} it requested) fails the connection like any handshake
     * failure: an {@link ErrorEvent} with a {@link dev.duplex.core.handshake.HandshakeException}, then a
     * {@link CloseEvent} with 1006. One {@link PerMessageDeflate} may be shared by many sockets.
     */
    public WebSocketBuilder compression(PerMessageDeflate deflate) {
        this.compression = Objects.requireNonNull(deflate, "deflate");
        return this;
    }

    public WebSocketBuilder onOpen(Consumer<? super OpenEvent> handler) {
        registrations.add(ws -> ws.setOnOpen(handler));
        return this;
    }

    public WebSocketBuilder onMessage(Consumer<? super MessageEvent> handler) {
        registrations.add(ws -> ws.setOnMessage(handler));
        return this;
    }

    public WebSocketBuilder onError(Consumer<? super ErrorEvent> handler) {
        registrations.add(ws -> ws.setOnError(handler));
        return this;
    }

    public WebSocketBuilder onClose(Consumer<? super CloseEvent> handler) {
        registrations.add(ws -> ws.setOnClose(handler));
        return this;
    }

    public <E extends WebSocketEvent> WebSocketBuilder addEventListener(EventType<E> type, Consumer<? super E> l) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(l, "listener");
        registrations.add(ws -> ws.addEventListener(type, l));
        return this;
    }

    /**
     * Starts connecting and returns the socket at once, CONNECTING. Failures are reported as events.
     *
     * @throws IllegalArgumentException for bad subprotocols or a header the handshake writes itself
     */
    public WebSocket connect() {
        new ClientHandshake(uri, subprotocols, extensionOffers(), headers.build(), null); // argument checks, now
        WebSocket ws = new WebSocket(this, new EventDispatcher(eventExecutor));
        for (Consumer<WebSocket> r : registrations) {
            r.accept(ws);
        }
        ws.start();
        return ws;
    }

    /** Starts connecting; the future completes with the open socket or fails with the cause of the failure. */
    public CompletableFuture<WebSocket> connectAsync() {
        return connect().whenOpen();
    }

    // ------------------------------------------------------------------------------------------- for WebSocket

    URI uri() {
        return uri;
    }

    List<String> subprotocols() {
        return List.copyOf(subprotocols);
    }

    HttpHeaders headers() {
        return headers.build();
    }

    List<ExtensionFactory> extensionFactories() {
        return compression == null ? List.of() : List.of(compression);
    }

    List<dev.duplex.core.handshake.ExtensionOffer> extensionOffers() {
        return ExtensionNegotiation.clientOffers(extensionFactories());
    }

    ReconnectPolicy reconnectPolicy() {
        return reconnect;
    }

    ClientEventLoop eventLoop() {
        return eventLoop == null ? ClientEventLoop.shared() : eventLoop;
    }

    BinaryType binaryType() {
        return binaryType;
    }

    long maxBufferedAmount() {
        return maxBufferedAmount;
    }

    ConnectionSettings settings() {
        return new ConnectionSettings(proxy, sslContext, connectTimeout, closeTimeout, closeLinger, engineConfig,
                extensionFactories());
    }

    private static Duration positive(Duration d, String what) {
        if (Objects.requireNonNull(d, what).isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }
}
