package dev.duplex.net;

import dev.duplex.core.CloseCodes;
import dev.duplex.core.CloseStatus;
import dev.duplex.core.handshake.ClientHandshake;
import dev.duplex.core.handshake.ExtensionOffer;
import dev.duplex.core.handshake.HandshakeResult;
import dev.duplex.core.internal.Utf8Encoder;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A WebSocket client connection with the browser's API: {@link #readyState()}, {@link #send}, {@link #close},
 * {@link #bufferedAmount()}, {@link #protocol()}, {@link #extensions()}, the {@code onopen}/{@code onmessage}/
 * {@code onerror}/{@code onclose} handlers ({@link #setOnOpen} etc.) and {@link #addEventListener}.
 *
 * <pre>{@code
 * WebSocket ws = WebSocket.builder("wss://example.com/chat")
 *         .subprotocols("chat.v1")
 *         .onMessage(e -> System.out.println(e.text()))
 *         .connect();                        // returns at once, CONNECTING
 * ws.whenOpen().get(5, SECONDS).send("hi");  // or builder.connectAsync()
 * }</pre>
 *
 * <p><b>Lifecycle</b> (as in the browser): CONNECTING, then either {@link OpenEvent} (OPEN) or, when the
 * connection cannot be established (refused, DNS, TLS, proxy refusal, a non-101 answer, timeout),
 * {@link ErrorEvent} then {@link CloseEvent} with 1006, not clean. An open socket ends with exactly one
 * {@link CloseEvent}: clean after a close handshake (either side may start it), 1006 not clean when the TCP
 * connection drops, or with the code we sent (1002, 1007, 1009) after the server broke the protocol, preceded
 * by an {@link ErrorEvent} carrying the {@link dev.duplex.core.ProtocolException}. With a {@link ReconnectPolicy}
 * a lost connection is followed by {@link ReconnectingEvent} and, on success, {@link ReconnectedEvent} instead.
 *
 * <p><b>Threading:</b> every public method is thread-safe. Each socket is driven by one
 * {@link ClientEventLoop} thread (the shared daemon loop unless another is given); events are dispatched on that
 * thread, one at a time and in order, unless an executor was given to the builder, in which case they run on
 * it, still one at a time and in order. Listeners on the loop must not block. A listener that throws is logged
 * and does not affect the connection.
 *
 * <p><b>Sending:</b> {@code send} copies the message and returns at once; the bytes are written by the loop.
 * <ul>
 *   <li>CONNECTING: throws {@link IllegalStateException} (the browser's InvalidStateError), except with a
 *       {@link ReconnectPolicy}, where the message is queued for the connection being established, up to the
 *       policy's bound ({@link SendBufferFullException} beyond).</li>
 *   <li>OPEN: queued for writing; if the bytes not yet written would exceed the builder's
 *       {@code maxBufferedAmount}, throws {@link SendBufferFullException} and the message is not taken.</li>
 *   <li>CLOSING or CLOSED: the message is discarded and {@code send} returns false, but, as in the browser,
 *       its size is added to {@link #bufferedAmount()}.</li>
 * </ul>
 */
public final class WebSocket {
    /** The connection has not been established yet (or, with reconnection, is being re-established). */
    public static final int CONNECTING = 0;
    /** The connection is established and messages flow. */
    public static final int OPEN = 1;
    /** The close handshake has started. */
    public static final int CLOSING = 2;
    /** The connection is closed or could not be opened. */
    public static final int CLOSED = 3;

    private final URI url;
    private final WebSocketBuilder config;
    private final ClientEventLoop eventLoop;
    private final EventDispatcher events;
    private final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    private final CompletableFuture<CloseEvent> closed = new CompletableFuture<>();

    private final Object lock = new Object();
    // guarded by lock
    private int readyState = CONNECTING;
    private final SendQueue queue = new SendQueue();
    private long discardedBytes;
    private boolean drainScheduled;
    private boolean closeRequested;

    private volatile long networkBuffered;
    private volatile String protocol = "";
    private volatile String extensions = "";
    private volatile BinaryType binaryType;

    // loop thread only
    private ClientConnection current;
    private LoopTimer reconnectTimer;
    private int attempt;
    private boolean everOpened;

    WebSocket(WebSocketBuilder config, EventDispatcher events) {
        this.url = config.uri();
        this.config = config;
        this.eventLoop = config.eventLoop();
        this.events = events;
        this.binaryType = config.binaryType();
    }

    /** A builder for a socket to a {@code ws://} or {@code wss://} URL. */
    public static WebSocketBuilder builder(String url) {
        return new WebSocketBuilder(URI.create(Objects.requireNonNull(url, "url")));
    }

    /** A builder for a socket to a {@code ws://} or {@code wss://} URI. */
    public static WebSocketBuilder builder(URI url) {
        return new WebSocketBuilder(url);
    }

    /**
     * Like the browser's {@code new WebSocket(url)}: starts connecting with default options and returns at once.
     * Register listeners on the builder instead to be sure to see the first events.
     *
     * @throws IllegalArgumentException for a URL that is not ws or wss (the browser's SyntaxError)
     */
    public static WebSocket connect(String url) {
        return builder(url).connect();
    }

    void start() {
        eventLoop.loop().execute(this::startAttempt);
    }

    // ------------------------------------------------------------------------------------------- attributes

    /** {@link #CONNECTING}, {@link #OPEN}, {@link #CLOSING} or {@link #CLOSED}. */
    public int readyState() {
        synchronized (lock) {
            return readyState;
        }
    }

    /**
     * Bytes of messages sent and not yet written to the network (frame and TLS overhead included once they reach
     * the connection), plus those discarded after close as the browser counts them. Rises when the server does
     * not read; falls as the loop writes.
     */
    public long bufferedAmount() {
        synchronized (lock) {
            return queue.bytes() + networkBuffered + discardedBytes;
        }
    }

    /** The URL the socket connects to. */
    public URI url() {
        return url;
    }

    /** The subprotocol the server chose; empty before open or when none. */
    public String protocol() {
        return protocol;
    }

    /**
     * The extensions the server selected, as the browser reports them: the {@code Sec-WebSocket-Extensions} value
     * of the server's answer (e.g. {@code "permessage-deflate; client_max_window_bits=15"}, re-rendered from the
     * parsed header). Empty before open, when the server accepted none, and when no compression was offered (see
     * {@link WebSocketBuilder#compression}).
     */
    public String extensions() {
        return extensions;
    }

    public BinaryType binaryType() {
        return binaryType;
    }

    /** How later binary {@link MessageEvent#data()} is presented. */
    public void setBinaryType(BinaryType type) {
        this.binaryType = Objects.requireNonNull(type, "type");
    }

    /** Completes with this socket when it opens; fails with the cause if it closes without ever opening. */
    public CompletableFuture<WebSocket> whenOpen() {
        return opened.copy();
    }

    /** Completes with the final {@link CloseEvent}. */
    public CompletableFuture<CloseEvent> whenClosed() {
        return closed.copy();
    }

    // ------------------------------------------------------------------------------------------- sending

    /**
     * Sends a text message. See the class documentation for the behaviour in each state.
     *
     * @return true if the message was taken for sending, false if discarded because the socket is closing or closed
     * @throws IllegalStateException    while CONNECTING without reconnection (InvalidStateError)
     * @throws SendBufferFullException  when a bound would be exceeded
     * <p>The text is encoded as UTF-8 the way the server and the browser's {@code send(USVString)} do: a lone
     * surrogate is sent as U+FFFD.
     */
    public boolean send(String text) {
        Objects.requireNonNull(text, "text");
        return enqueue(new OutgoingMessage(true, Utf8Encoder.encode(text)));
    }

    /** Sends a binary message, copying {@code data}. Same contract as {@link #send(String)}. */
    public boolean send(byte[] data) {
        return enqueue(new OutgoingMessage(false, data.clone()));
    }

    /** Sends {@code data}'s remaining bytes as a binary message, copied; its position is unchanged. */
    public boolean send(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return enqueue(new OutgoingMessage(false, copy));
    }

    private boolean enqueue(OutgoingMessage m) {
        synchronized (lock) {
            switch (readyState) {
                case CONNECTING: {
                    ReconnectPolicy policy = config.reconnectPolicy();
                    if (policy == null) {
                        throw new IllegalStateException("InvalidStateError: the WebSocket is still CONNECTING");
                    }
                    if (queue.size() + 1 > policy.queueCapacity() || queue.bytes() + m.length() > policy.queueMaxBytes()) {
                        throw new SendBufferFullException("reconnect queue is full (" + queue.size() + " messages, "
                                + queue.bytes() + " bytes; limits " + policy.queueCapacity() + " messages, "
                                + policy.queueMaxBytes() + " bytes): message not sent");
                    }
                    queue.add(m);
                    return true;
                }
                case OPEN: {
                    long after = queue.bytes() + networkBuffered + m.length();
                    if (after > config.maxBufferedAmount()) {
                        throw new SendBufferFullException("bufferedAmount would reach " + after
                                + " bytes, over the limit of " + config.maxBufferedAmount() + ": message not sent");
                    }
                    queue.add(m);
                    if (drainScheduled) {
                        return true;
                    }
                    drainScheduled = true;
                    break;
                }
                default:
                    discardedBytes += m.length();
                    return false;
            }
        }
        eventLoop.loop().execute(this::drainQueue);
        return true;
    }

    /** Loop: hands queued messages to the open connection, in order. */
    private void drainQueue() {
        synchronized (lock) {
            drainScheduled = false;
        }
        ClientConnection c = current;
        if (c == null || !c.isOpen()) {
            return;
        }
        while (true) {
            OutgoingMessage m;
            synchronized (lock) {
                m = queue.poll();
            }
            if (m == null) {
                break;
            }
            c.send(m);
        }
        c.flush();
    }

    /**
     * Sends a ping (not in the browser API, which has none): a tool such as {@code duplex connect} uses it to
     * check that the server is alive and to measure the round trip. The ping goes out after the messages sent
     * before it.
     *
     * @param payload at most 125 bytes, copied
     * @return completes with the round-trip time when the server's pong arrives; fails with an
     *         {@link IOException} when the socket is not open or closes first, or with an
     *         {@link IllegalStateException} when {@value PendingPings#LIMIT} pings are already unanswered
     * @throws IllegalArgumentException for a payload over 125 bytes
     */
    public CompletableFuture<Duration> ping(byte[] payload) {
        if (payload.length > 125) {
            throw new IllegalArgumentException("a ping payload is at most 125 bytes, was " + payload.length);
        }
        byte[] copy = payload.clone();
        CompletableFuture<Duration> pong = new CompletableFuture<>();
        eventLoop.loop().execute(() -> {
            ClientConnection c = current;
            if (c == null) {
                pong.completeExceptionally(new IOException("the WebSocket is not open"));
                return;
            }
            drainQueue();
            c.ping(copy, pong);
        });
        return pong;
    }

    // ------------------------------------------------------------------------------------------- closing

    /** Starts the close handshake with an empty close frame (the server sees 1005). No effect once closing. */
    public void close() {
        requestClose(CloseCodes.NO_STATUS_RECEIVED, "");
    }

    /**
     * Starts the close handshake with {@code code}.
     *
     * @throws IllegalArgumentException unless code is 1000 or 3000-4999 (the browser's InvalidAccessError)
     */
    public void close(int code) {
        close(code, "");
    }

    /**
     * Starts the close handshake with {@code code} and {@code reason}. Messages sent before are written first.
     * While CONNECTING this abandons the attempt: error then close (1006), as in the browser. No effect once
     * closing or closed. The close event follows when the server answers, or after the close timeout.
     *
     * @throws IllegalArgumentException unless code is 1000 or 3000-4999 (InvalidAccessError), or when the reason
     *                                  is over 123 UTF-8 bytes (SyntaxError)
     */
    public void close(int code, String reason) {
        CloseArguments.check(code, reason);
        requestClose(code, reason);
    }

    private void requestClose(int code, String reason) {
        synchronized (lock) {
            if (closeRequested || readyState == CLOSING || readyState == CLOSED) {
                return;
            }
            closeRequested = true;
            readyState = CLOSING;
        }
        eventLoop.loop().execute(() -> {
            ClientConnection c = current;
            if (c != null) {
                drainQueue();
                c.close(code, reason);
            } else if (reconnectTimer != null) {
                reconnectTimer.cancel();
                reconnectTimer = null;
                finish(new CloseStatus(CloseCodes.ABNORMAL_CLOSURE, "", false),
                        new IOException("closed by the application while reconnecting"));
            }
        });
    }

    // ------------------------------------------------------------------------------------------- listeners

    /** The {@code onopen} handler; null removes it. Runs before listeners added with addEventListener. */
    public void setOnOpen(Consumer<? super OpenEvent> handler) {
        events.setHandler(EventType.OPEN, handler);
    }

    /** The {@code onmessage} handler; null removes it. */
    public void setOnMessage(Consumer<? super MessageEvent> handler) {
        events.setHandler(EventType.MESSAGE, handler);
    }

    /** The {@code onerror} handler; null removes it. */
    public void setOnError(Consumer<? super ErrorEvent> handler) {
        events.setHandler(EventType.ERROR, handler);
    }

    /** The {@code onclose} handler; null removes it. */
    public void setOnClose(Consumer<? super CloseEvent> handler) {
        events.setHandler(EventType.CLOSE, handler);
    }

    /** Adds a listener; the same listener added twice is called twice. */
    public <E extends WebSocketEvent> void addEventListener(EventType<E> type, Consumer<? super E> listener) {
        events.add(type, listener);
    }

    /** Removes one registration of {@code listener} (by identity); returns whether one was found. */
    public <E extends WebSocketEvent> boolean removeEventListener(EventType<E> type, Consumer<? super E> listener) {
        return events.remove(type, listener);
    }

    // ------------------------------------------------------------------------------------------- loop side

    private void startAttempt() {
        reconnectTimer = null;
        synchronized (lock) {
            if (closeRequested && attempt > 0) {
                return;
            }
        }
        ClientHandshake handshake = new ClientHandshake(url, config.subprotocols(), config.extensionOffers(), config.headers(),
                null);
        current = new ClientConnection(eventLoop.loop(), handshake, config.settings(), new Listener(),
                eventLoop.resolver());
        current.start();
    }

    private final class Listener implements ClientConnectionListener {
        @Override
        public void onOpen(ClientConnection c, HandshakeResult result) {
            if (c != current) {
                return;
            }
            protocol = result.subprotocol() == null ? "" : result.subprotocol();
            extensions = ExtensionOffer.renderHeader(result.extensions());
            int succeeded = attempt;
            attempt = 0;
            synchronized (lock) {
                if (readyState == CONNECTING) {
                    readyState = OPEN;
                }
            }
            drainQueue();
            if (!everOpened) {
                everOpened = true;
                events.dispatch(EventType.OPEN, new OpenEvent(WebSocket.this));
                opened.complete(WebSocket.this);
            } else {
                events.dispatch(EventType.RECONNECTED, new ReconnectedEvent(WebSocket.this, succeeded));
            }
        }

        @Override
        public void onMessage(ClientConnection c, boolean text, ByteBuffer data) {
            MessageEvent event;
            if (text) {
                event = MessageEvent.text(WebSocket.this, eventLoop.loop().textDecoder().decode(data));
            } else {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                event = MessageEvent.binary(WebSocket.this, copy, binaryType);
            }
            events.dispatch(EventType.MESSAGE, event);
        }

        @Override
        public void afterMessagesHandled(Runnable then) {
            events.afterDelivered(then); // the handlers' sends are on the loop's queue by then, ahead of `then`'s
        }

        @Override
        public void onOutboundChanged(ClientConnection c, long queuedBytes) {
            if (c == current) {
                networkBuffered = queuedBytes;
            }
        }

        @Override
        public void onClosed(ClientConnection c, CloseStatus status, Throwable error) {
            if (c != current) {
                return;
            }
            current = null;
            networkBuffered = 0;
            ReconnectPolicy policy = config.reconnectPolicy();
            boolean retry;
            synchronized (lock) {
                retry = !closeRequested && policy != null && policy.allowsAttempt(attempt + 1);
                if (retry) {
                    readyState = CONNECTING;
                }
            }
            if (retry) {
                attempt++;
                Duration delay = policy.delay(attempt, ThreadLocalRandom.current());
                Throwable cause = error != null ? error : new IOException("connection closed by the server: "
                        + status.code() + (status.reason().isEmpty() ? "" : " " + status.reason()));
                if (error != null) {
                    events.dispatch(EventType.ERROR, new ErrorEvent(WebSocket.this, error));
                }
                events.dispatch(EventType.RECONNECTING, new ReconnectingEvent(WebSocket.this, attempt, delay, cause));
                reconnectTimer = eventLoop.loop().schedule(delay.toNanos(), WebSocket.this::startAttempt);
                return;
            }
            finish(status, error);
        }
    }

    /** Loop: the socket is closed for good. */
    private void finish(CloseStatus status, Throwable error) {
        synchronized (lock) {
            readyState = CLOSED;
            queue.clear();
        }
        if (error != null) {
            events.dispatch(EventType.ERROR, new ErrorEvent(this, error));
        }
        CloseEvent event = new CloseEvent(this, status.code(), status.reason(), status.wasClean());
        events.dispatch(EventType.CLOSE, event);
        if (!opened.isDone()) {
            opened.completeExceptionally(error != null ? error
                    : new IOException("closed before opening: " + status.code()));
        }
        closed.complete(event);
    }

    @Override
    public String toString() {
        return "WebSocket[" + url + ", readyState " + readyState() + "]";
    }
}
