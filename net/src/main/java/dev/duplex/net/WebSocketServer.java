package dev.duplex.net;

import dev.duplex.core.EncodedFrame;
import dev.duplex.core.EngineConfig;
import dev.duplex.core.handshake.HttpHeaders;
import dev.duplex.core.handshake.ServerHandshake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A non-blocking WebSocket and HTTP server on one port: requests to an endpoint's path are upgraded to
 * WebSocket, requests to a registered {@link HttpHandler}'s path get its reply, and other GET and HEAD requests are
 * answered from an optional static-file folder. {@link #metrics()} reports connections, messages, bytes and errors.
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.builder()
 *         .host("127.0.0.1").port(8080)
 *         .endpoint("/echo", new Endpoint() {
 *             public void onText(ServerSession s, String text) { s.send(text); }
 *         })
 *         .build().start();
 * ...
 * server.stop();
 * }</pre>
 *
 * <p><b>Threading:</b> a fixed number of event-loop threads (by default one per core) serve every connection;
 * each connection is pinned to one loop, round robin. Endpoint callbacks run on that loop unless a callback
 * executor is configured. All public methods are thread-safe.
 *
 * <p><b>Errors:</b> a bad request gets its HTTP status (400, 403, 404, 405, 426, 431, 503, 505) and is closed; a
 * protocol violation closes that connection with the RFC's close code; neither affects other connections or the
 * loops. Unexpected internal errors go to the builder's error handler (by default a WARNING on the
 * {@code System.Logger} {@code dev.duplex.net.WebSocketServer}, with the stack trace when it has DEBUG on).
 * With DEBUG on the {@code System.Logger} {@code dev.duplex.net.access}, every HTTP answer and upgrade is logged
 * (see docs/operations.md, "Logs").
 *
 * <p><b>Overload:</b> memory held for peers (queued output and input of messages still arriving) is bounded by a
 * server-wide {@linkplain Builder#memoryBudget budget} (a quarter of the heap by default) and a
 * {@linkplain Builder#maxBufferedPerConnection per-connection cap}: past them the connections holding the most
 * are closed with 1013 (output backlog, discarded so the close frame goes out at once) or 1009 (input), and the
 * rest are served on. A message that stops arriving midway is closed with 1008 after the
 * {@linkplain Builder#readTimeout read timeout}, output the socket does not take with 1013 after the
 * {@linkplain Builder#writeTimeout write timeout}. Connections over the {@linkplain Builder#maxConnections
 * global} or {@linkplain Builder#maxConnectionsPerAddress per-address} limit get HTTP 503 with
 * {@code Retry-After}. When accepting fails (file descriptors exhausted) the acceptor backs off instead of
 * spinning. A watchdog checks that every event loop turns: see {@link #health()}.
 *
 * <p><b>Lifecycle:</b> {@link #start()} binds; {@link #stop()} closes every session with 1001, waits up to the
 * stop timeout, then closes the remaining sockets and ends every thread the server started. Both run once.
 * {@link #close()} is {@link #stop()}, for try-with-resources.
 */
public final class WebSocketServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebSocketServer.class.getName());

    private final Builder config;
    private final ServerSettings settings;
    private final RequestRouter router;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<ServerSession> sessions = ConcurrentHashMap.newKeySet();
    private final Set<HeldMemory> heldMemory = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final LongAdder acceptedConnections = new LongAdder();
    private final LongAdder httpRequests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LimitSettings limits;
    private final OverloadCounters overload = new OverloadCounters();
    private final MemoryBudget memoryBudget;
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private volatile LoopWatchdog watchdog;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch stopDone = new CountDownLatch(1);
    private final Object closedSignal = new Object();
    private EventLoopGroup loops;
    private ServerSocketChannel listener;
    private ExecutorService ownedExecutor;
    private Executor callbackExecutor;
    private volatile InetSocketAddress boundAddress;

    private WebSocketServer(Builder b) {
        this.config = b;
        this.settings = new ServerSettings(b.engineConfig, b.handshakeTimeout.toNanos(), b.idleTimeout.toNanos(),
                b.pingInterval.toNanos(), b.pongTimeout.toNanos(), b.closeTimeout.toNanos(), b.highWaterMark,
                b.lowWaterMark, b.policy, b.maxHeadBytes, b.maxHeaderFields);
        StaticFiles files = b.staticDirectory != null ? StaticFiles.fromDirectory(b.staticDirectory)
                : b.staticClasspathFolder != null
                ? StaticFiles.fromClasspath(b.staticClasspathFolder, WebSocketServer.class.getClassLoader())
                : null;
        this.router = new RequestRouter(b.routes, b.handlers, b.calls, files, this::handlerFailed);
        long budget = b.memoryBudget > 0 ? b.memoryBudget : defaultMemoryBudget();
        this.limits = new LimitSettings(budget, b.maxBufferedPerConnection > 0 ? b.maxBufferedPerConnection
                : defaultMaxBufferedPerConnection(b.engineConfig), b.readTimeout.toNanos(),
                b.writeTimeout.toNanos(), b.maxConnections, b.maxConnectionsPerAddress, b.watchdogStall.toNanos());
        this.memoryBudget = new MemoryBudget(budget, connections, heldMemory, overload);
    }

    /**
     * Room for four messages of the largest size the engine takes (an echo or relay must hold one while the next
     * arrives), at least 64 MiB.
     */
    static long defaultMaxBufferedPerConnection(EngineConfig engine) {
        return Math.max(64L << 20, 4 * engine.maxMessageSize());
    }

    /** A quarter of the maximum heap, or 1 GiB when the heap has no limit. */
    static long defaultMemoryBudget() {
        long max = Runtime.getRuntime().maxMemory();
        return max == Long.MAX_VALUE ? 1L << 30 : max / 4;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and starts the event loops.
     *
     * @return this server
     * @throws IOException           if the address cannot be bound (the server is then stopped)
     * @throws IllegalStateException if called twice
     */
    public WebSocketServer start() throws IOException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        if (config.blockingCallbacks) {
            callbackExecutor = config.callbackExecutor;
            if (callbackExecutor == null) {
                ownedExecutor = CallbackExecutors.newDefault();
                callbackExecutor = ownedExecutor;
            }
        }
        initializeIoClasses();
        loops = new EventLoopGroup(config.eventLoops, "duplex-server-" + config.port, config.errorHandler);
        try {
            listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(config.host, config.port), config.backlog);
            listener.configureBlocking(false);
            boundAddress = (InetSocketAddress) listener.getLocalAddress();
            EventLoop acceptLoop = loops.get(0);
            Acceptor acceptor = new Acceptor(listener, acceptLoop, this::accepted,
                    overload.acceptFailures);
            CountDownLatch registered = new CountDownLatch(1);
            IOException[] failure = new IOException[1];
            acceptLoop.execute(() -> {
                try {
                    acceptLoop.register(listener, SelectionKey.OP_ACCEPT, acceptor);
                } catch (IOException e) {
                    failure[0] = e;
                } finally {
                    registered.countDown();
                }
            });
            if (!registered.await(10, TimeUnit.SECONDS) || failure[0] != null) {
                throw failure[0] != null ? failure[0] : new IOException("the accept loop did not start");
            }
            watchdog = new LoopWatchdog(loops, limits.watchdogStallNanos(), config.healthListener,
                    "duplex-watchdog-" + config.port).start();
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IOException("interrupted while starting", e);
        }
        return this;
    }

    /**
     * Makes the JDK initialize its socket-closing support now. It does so lazily, on the first socket close, and
     * its initialization needs a spare file descriptor: if that first close happens while descriptors are
     * exhausted, the JDK class fails to initialize for good and every later socket operation of the process fails
     * (found under {@code ulimit -n}). A pipe's close goes through the same class.
     */
    private static void initializeIoClasses() throws IOException {
        java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        pipe.sink().close();
        pipe.source().close();
    }

    /** The port bound; useful after {@code port(0)}. */
    public int port() {
        return boundAddress().getPort();
    }

    public InetSocketAddress boundAddress() {
        InetSocketAddress a = boundAddress;
        if (a == null) {
            throw new IllegalStateException("not started");
        }
        return a;
    }

    /** TCP connections open now, whether still in HTTP or upgraded. */
    public int openConnections() {
        return openConnections.get();
    }

    /**
     * The server's counters now: cheap enough to call on every metrics scrape (it walks the open sessions once for
     * {@link ServerMetrics#queuedBytes()}). Any thread; all zeros before {@link #start()}.
     */
    public ServerMetrics metrics() {
        long messagesIn = 0;
        long messagesOut = 0;
        long bytesIn = 0;
        long bytesOut = 0;
        EventLoopGroup group = loops;
        if (group != null) {
            for (int i = 0; i < group.size(); i++) {
                LoopCounters c = group.get(i).counters();
                messagesIn += c.messagesIn.get();
                messagesOut += c.messagesOut.get();
                bytesIn += c.bytesIn.get();
                bytesOut += c.bytesOut.get();
            }
        }
        long queued = 0;
        for (ServerSession s : sessions) {
            queued += s.bufferedAmount();
        }
        ServerHealth health = health();
        return new ServerMetrics(openConnections.get(), sessions.size(), acceptedConnections.sum(), messagesIn,
                messagesOut, bytesIn, bytesOut, queued, httpRequests.sum(), errors.sum(), memoryBudget.used(),
                memoryBudget.limit(), overload.shed.sum(), overload.rejected.sum(), overload.handshakeTimeouts.sum(),
                overload.readTimeouts.sum(), overload.writeTimeouts.sum(), overload.acceptFailures.sum(),
                health.stalledLoops() + health.deadLoops());
    }

    /**
     * Whether every event loop is turning, as the watchdog last saw it (it checks several times per stall
     * threshold). Healthy before {@link #start()} and after {@link #stop()}. Any thread; cheap.
     */
    public ServerHealth health() {
        LoopWatchdog w = watchdog;
        return w == null || stopped.get() ? ServerHealth.HEALTHY : w.health();
    }

    /** Shorthand for {@code health().healthy()}: false while an event loop is stalled or dead. */
    public boolean isHealthy() {
        return health().healthy();
    }

    /**
     * Counts memory the application holds for a peer outside any connection in this server's memory budget; see
     * {@link HeldMemory}. {@code onShed} runs once if the budget's shedding pass picks it. Any thread.
     */
    public HeldMemory holdMemory(Runnable onShed) {
        HeldMemory h = new HeldMemory(memoryBudget, onShed, heldMemory::remove);
        heldMemory.add(h);
        return h;
    }

    /** A snapshot of the open WebSocket sessions. */
    public List<ServerSession> sessions() {
        return List.copyOf(sessions);
    }

    /** Sends one text message to every target, encoding the frame once; see {@link #broadcast(Collection, EncodedFrame)}. */
    public void broadcast(Collection<ServerSession> targets, String text) {
        broadcast(targets, EncodedFrame.text(text));
    }

    /** Sends one binary message to every target, encoding the frame once. */
    public void broadcast(Collection<ServerSession> targets, ByteBuffer data) {
        broadcast(targets, EncodedFrame.binary(data));
    }

    /**
     * Sends an already encoded frame to every target: each target's event loop gets one task for the whole batch,
     * and every connection without a transforming extension queues the same shared bytes; a connection that
     * negotiated permessage-deflate compresses the frame's payload itself (as {@code sendText}/{@code sendBinary}
     * would), so mixed compressed and uncompressed targets all get the message. The high-water policy applies per target
     * ({@link BackpressurePolicy#DROP} skips a full target, the close policies close it); closed targets are
     * skipped. Any thread.
     */
    public void broadcast(Collection<ServerSession> targets, EncodedFrame frame) {
        Map<EventLoop, List<ServerConnection>> byLoop = new IdentityHashMap<>();
        for (ServerSession s : targets) {
            ServerConnection c = s.connection();
            byLoop.computeIfAbsent(c.loop(), l -> new ArrayList<>()).add(c);
        }
        byLoop.forEach((loop, batch) -> loop.run(() -> {
            for (ServerConnection c : batch) {
                c.sendEncoded(frame);
            }
        }));
    }

    /**
     * Closes every session with 1001 (going away), waits up to the stop timeout for them to finish, closes the
     * remaining sockets, and stops every thread the server started. Idempotent; later calls wait for the first.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            awaitUninterruptibly(stopDone);
            return;
        }
        try {
            LoopWatchdog w = watchdog;
            if (w != null) {
                w.stop();
            }
            closeListener();
            for (ServerConnection c : connections) {
                c.loop().execute(c::goingAway);
            }
            awaitConnectionsClosed(config.stopTimeout.toNanos());
            if (loops != null) {
                loops.shutdown(config.stopTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            }
            if (ownedExecutor != null) {
                ownedExecutor.shutdown();
                ownedExecutor.awaitTermination(config.stopTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopDone.countDown();
        }
    }

    /** The same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private void closeListener() {
        ServerSocketChannel l = listener;
        if (l != null) {
            try {
                l.close();
            } catch (IOException e) {
                config.errorHandler.accept(e);
            }
            loops.get(0).execute(() -> { }); // wakes the selector so the closed key is flushed
        }
    }

    private void awaitConnectionsClosed(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (closedSignal) {
            while (openConnections.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(closedSignal, left);
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------- package-private

    ServerSettings settings() {
        return settings;
    }

    RequestRouter router() {
        return router;
    }

    KeepAlive keepAlive() {
        return config.keepAlive;
    }

    /** A malformed request, a protocol violation, or a failing endpoint callback: counted for {@link #metrics()}. */
    void countError() {
        errors.increment();
    }

    LimitSettings limitSettings() {
        return limits;
    }

    MemoryBudget memoryBudget() {
        return memoryBudget;
    }

    OverloadCounters overloadCounters() {
        return overload;
    }

    void countHttpRequest() {
        httpRequests.increment();
    }

    private void handlerFailed(Throwable e) {
        errors.increment();
        config.errorHandler.accept(e);
    }

    private void accepted(SocketChannel socket) {
        if (stopped.get()) {
            closeQuietly(socket);
            return;
        }
        EventLoop loop = loops.next();
        try {
            socket.configureBlocking(false);
            socket.socket().setTcpNoDelay(true);
            Transport transport = config.tls == null ? new PlainTransport(socket)
                    : new TlsTransport(socket, config.tls.newServerEngine());
            ServerConnection connection = new ServerConnection(this, loop, transport, callbackExecutor);
            acceptedConnections.increment();
            String refusal = admit(connection, socket);
            if (refusal != null) {
                overload.rejected.increment();
                ByteBuffer response = ByteBuffer.wrap(ServerHandshake.errorResponse(503, null,
                        HttpHeaders.of("Retry-After", Long.toString(RETRY_AFTER_SECONDS)), refusal));
                loop.execute(() -> connection.startRejected(response));
                return;
            }
            openConnections.incrementAndGet();
            connections.add(connection);
            loop.execute(connection::start);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            config.errorHandler.accept(e);
        }
    }

    /** Seconds a client refused for the connection limits is told to wait ({@code Retry-After}). */
    static final long RETRY_AFTER_SECONDS = 5;

    /**
     * The accept loop: checks the connection limits and counts the peer's address; returns why the connection is
     * refused, or null if it may go on.
     */
    private String admit(ServerConnection connection, SocketChannel socket) throws IOException {
        if (limits.maxConnections() > 0 && openConnections.get() >= limits.maxConnections()) {
            return "the server is at its connection limit; retry later";
        }
        if (limits.maxConnectionsPerAddress() > 0) {
            InetAddress address = ((InetSocketAddress) socket.getRemoteAddress()).getAddress();
            boolean[] over = new boolean[1];
            perAddress.compute(address, (a, n) -> {
                int count = n == null ? 0 : n;
                if (count >= limits.maxConnectionsPerAddress()) {
                    over[0] = true;
                    return n;
                }
                return count + 1;
            });
            if (over[0]) {
                return "too many connections from your address; retry later";
            }
            connection.countedAddress(address);
        }
        return null;
    }

    void connectionClosed(ServerConnection connection) {
        if (connections.remove(connection)) {
            InetAddress address = connection.countedAddress();
            if (address != null) {
                perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
            }
            openConnections.decrementAndGet();
            synchronized (closedSignal) {
                closedSignal.notifyAll();
            }
        }
    }

    void sessionOpened(ServerSession session) {
        sessions.add(session);
    }

    void sessionClosed(ServerSession session) {
        sessions.remove(session);
    }

    /**
     * The default error handler: one WARNING line on the {@code dev.duplex.net.WebSocketServer} logger, with the
     * stack trace only when that logger has DEBUG enabled.
     */
    private static void logError(Throwable e) {
        Warnings.log(LOG, "internal error", e);
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    /**
     * Configures a {@link WebSocketServer}. Not thread-safe; every setter checks its argument. Defaults: all
     * interfaces, port 8080, one loop per core, 10 s handshake timeout, no idle timeout, no pings (30 s pong
     * timeout once enabled), 5 s close timeout, 5 s stop timeout, high-water mark 1 MiB and low-water mark 256 KiB
     * with {@link BackpressurePolicy#PAUSE_READING}, 8 KiB request heads with at most 100 fields, the engine's
     * default limits (16 MiB messages), callbacks on the event loop; overload limits: a memory budget of a quarter
     * of the heap, 64 MiB of output per connection (four maximum-size messages), 60 s read-progress and
     * write-stall timeouts, no connection limits, a 10 s watchdog stall threshold.
     */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private int backlog = 1024;
        private int eventLoops = Runtime.getRuntime().availableProcessors();
        private final Map<String, Route> routes = new LinkedHashMap<>();
        private final Map<String, HttpHandler> handlers = new LinkedHashMap<>();
        private final Map<String, HttpCallRoute> calls = new LinkedHashMap<>();
        private Path staticDirectory;
        private String staticClasspathFolder;
        private TlsConfig tls;
        private EngineConfig engineConfig = EngineConfig.defaults();
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ZERO;
        private Duration pingInterval = Duration.ZERO;
        private Duration pongTimeout = Duration.ofSeconds(30);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration stopTimeout = Duration.ofSeconds(5);
        private long highWaterMark = 1 << 20;
        private long lowWaterMark = 256 << 10;
        private BackpressurePolicy policy = BackpressurePolicy.PAUSE_READING;
        private int maxHeadBytes = 8 * 1024;
        private int maxHeaderFields = 100;
        private KeepAlive keepAlive = KeepAlive.DEFAULT;
        private boolean blockingCallbacks;
        private Executor callbackExecutor;
        private Consumer<Throwable> errorHandler = WebSocketServer::logError;
        private long memoryBudget;
        /** 0: derived from the engine's maximum message size (see {@link #maxBufferedPerConnection}). */
        private long maxBufferedPerConnection;
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration writeTimeout = Duration.ofSeconds(60);
        private int maxConnections;
        private int maxConnectionsPerAddress;
        private Duration watchdogStall = Duration.ofSeconds(10);
        private Consumer<ServerHealth> healthListener = h -> { };

        private Builder() {
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /** The port to listen on; 0 picks a free one (see {@link WebSocketServer#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        public Builder backlog(int backlog) {
            this.backlog = positive(backlog, "backlog");
            return this;
        }

        /** How many selector threads serve connections. */
        public Builder eventLoops(int count) {
            this.eventLoops = positive(count, "eventLoops");
            return this;
        }

        public Builder endpoint(String path, Endpoint endpoint) {
            return endpoint(path, endpoint, EndpointOptions.defaults());
        }

        /**
         * Serves WebSocket at {@code path}: an exact match such as {@code /chat}, or every path under a prefix when
         * it ends with {@code /*}: {@code /rooms/*} serves {@code /rooms/a} and {@code /rooms/a/b} but not
         * {@code /rooms} or {@code /rooms/} (register those separately). An exact path wins over a prefix, and a
         * longer prefix over a shorter one. The query is ignored for matching; the endpoint sees the full request
         * in {@link ServerSession#request()}.
         *
         * @throws IllegalArgumentException if the path does not start with '/', has a '*' anywhere but after the
         *                                  last '/', or is taken by an endpoint or an HTTP handler
         */
        public Builder endpoint(String path, Endpoint endpoint, EndpointOptions options) {
            checkPath(path);
            int star = path.indexOf('*');
            if (star >= 0 && (star != path.length() - 1 || !path.endsWith("/*"))) {
                throw new IllegalArgumentException("a prefix endpoint ends with \"/*\" and has no other '*': " + path);
            }
            if (handlers.containsKey(path) || calls.containsKey(path)) {
                throw new IllegalArgumentException("an HTTP handler already serves " + path);
            }
            if (routes.putIfAbsent(path, new Route(path, Objects.requireNonNull(endpoint),
                    Objects.requireNonNull(options))) != null) {
                throw new IllegalArgumentException("two endpoints at " + path);
            }
            return this;
        }

        /**
         * Answers plain HTTP requests to exactly {@code path} (any method) with {@code handler}, e.g. a health check
         * or metrics. Handlers run on the event loops and must not block. Paths served by a handler are not looked
         * up in the static files.
         *
         * @throws IllegalArgumentException if the path does not start with '/', contains '*', or is taken
         */
        public Builder http(String path, HttpHandler handler) {
            checkPath(path);
            if (path.indexOf('*') >= 0) {
                throw new IllegalArgumentException("an HTTP handler path is exact, without '*': " + path);
            }
            if (routes.containsKey(path)) {
                throw new IllegalArgumentException("a WebSocket endpoint already serves " + path);
            }
            if (handlers.containsKey(path) || calls.containsKey(path)
                    || handlers.putIfAbsent(path, Objects.requireNonNull(handler)) != null) {
                throw new IllegalArgumentException("two HTTP handlers at " + path);
            }
            return this;
        }

        /**
         * Answers plain HTTP requests to exactly {@code path} (any method) with {@code handler}, which gets an
         * {@link HttpCall} to answer later or as a stream, from any thread (long polling, Server-Sent Events). A
         * request body is read first: with a Content-Length of at most {@code maxBodyBytes} (0: no body allowed),
         * else 413 (411 for a chunked body). A call left unanswered for {@code replyTimeout} is answered 503.
         * Bodies being read and streamed output count toward the memory budget and the per-connection output
         * cap; see {@link HttpCall}.
         *
         * @throws IllegalArgumentException if the path does not start with '/', contains '*', or is taken, or the
         *                                  limits are not positive ({@code maxBodyBytes} may be 0)
         */
        public Builder httpCalls(String path, int maxBodyBytes, Duration replyTimeout, HttpCallHandler handler) {
            checkPath(path);
            if (path.indexOf('*') >= 0) {
                throw new IllegalArgumentException("an HTTP handler path is exact, without '*': " + path);
            }
            if (maxBodyBytes < 0) {
                throw new IllegalArgumentException("maxBodyBytes must not be negative, was " + maxBodyBytes);
            }
            positive(replyTimeout, "replyTimeout");
            if (routes.containsKey(path)) {
                throw new IllegalArgumentException("a WebSocket endpoint already serves " + path);
            }
            if (handlers.containsKey(path) || calls.putIfAbsent(path, new HttpCallRoute(Objects.requireNonNull(handler),
                    maxBodyBytes, replyTimeout.toNanos())) != null) {
                throw new IllegalArgumentException("two HTTP handlers at " + path);
            }
            return this;
        }

        private static void checkPath(String path) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a path starts with '/': " + path);
            }
        }

        /**
         * Answers other GET and HEAD requests with the files under {@code directory}, with ETag, Last-Modified,
         * {@code Cache-Control: no-cache}, 304 and gzip for text; files are read and streamed on background
         * threads, never on an event loop (docs/operations.md, "Plain HTTP: keep-alive and caching").
         *
         * @throws IllegalArgumentException if {@code directory} is not an existing folder
         */
        public Builder staticFiles(Path directory) {
            if (!java.nio.file.Files.isDirectory(directory)) {
                throw new IllegalArgumentException("static files folder does not exist or is not a folder: "
                        + directory.toAbsolutePath());
            }
            this.staticDirectory = directory;
            this.staticClasspathFolder = null;
            return this;
        }

        /**
         * Answers other GET and HEAD requests with resources under a classpath folder, e.g. {@code "web"}; as
         * {@link #staticFiles}, and resources up to 1 MiB are kept in memory with their gzip after the first read.
         */
        public Builder staticResources(String classpathFolder) {
            this.staticClasspathFolder = Objects.requireNonNull(classpathFolder);
            this.staticDirectory = null;
            return this;
        }

        /** Serves wss and https instead of ws and http. */
        public Builder tls(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls);
            return this;
        }

        /** Frame and message limits of every connection. */
        public Builder engineConfig(EngineConfig config) {
            this.engineConfig = Objects.requireNonNull(config);
            return this;
        }

        /** How long a client has to complete TLS and send a full request (slowloris guard). */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive(timeout, "handshakeTimeout");
            return this;
        }

        /** Closes (1001) a session that received nothing for this long; zero turns it off. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = notNegative(timeout, "idleTimeout");
            return this;
        }

        /**
         * Pings a session that was quiet for {@code interval}; if nothing at all arrives within {@code pongTimeout}
         * after the ping, the connection is dropped (onClose reports 1006). A zero interval turns pings off.
         */
        public Builder ping(Duration interval, Duration pongTimeout) {
            this.pingInterval = notNegative(interval, "ping interval");
            this.pongTimeout = positive(pongTimeout, "pongTimeout");
            return this;
        }

        /** How long to wait for the peer's close frame (and TCP close) after ours before dropping the socket. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive(timeout, "closeTimeout");
            return this;
        }

        /** How long {@link WebSocketServer#stop()} lets sessions finish their close handshake. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = notNegative(timeout, "stopTimeout");
            return this;
        }

        /**
         * Backpressure: above {@code high} buffered bytes the policy applies; with
         * {@link BackpressurePolicy#PAUSE_READING} reading resumes at or below {@code low}.
         */
        public Builder backpressure(long high, long low, BackpressurePolicy policy) {
            if (high < 1 || low < 0 || low > high) {
                throw new IllegalArgumentException("need 0 <= low <= high and high >= 1; got " + low + ", " + high);
            }
            this.highWaterMark = high;
            this.lowWaterMark = low;
            this.policy = Objects.requireNonNull(policy);
            return this;
        }

        /**
         * Persistent plain-HTTP connections: a connection that answered a request waits up to {@code idleTimeout}
         * for the next one and carries at most {@code maxRequests} (default 5 seconds, 100). A request that asks
         * to close ({@code Connection: close}, HTTP/1.0 without {@code keep-alive}) or has a body is answered
         * with {@code Connection: close}. {@code Duration.ZERO} or {@code maxRequests} 1 turns keep-alive off.
         * WebSocket connections are not affected; an upgrade may follow plain requests on the same connection.
         */
        public Builder httpKeepAlive(Duration idleTimeout, int maxRequests) {
            if (idleTimeout.isNegative()) {
                throw new IllegalArgumentException("httpKeepAlive idleTimeout must not be negative: " + idleTimeout);
            }
            this.keepAlive = new KeepAlive(idleTimeout.toNanos(), positive(maxRequests, "maxRequests"));
            return this;
        }

        /** Limits of a request head; a larger one gets 431. */
        public Builder requestLimits(int maxHeadBytes, int maxHeaderFields) {
            this.maxHeadBytes = positive(maxHeadBytes, "maxHeadBytes");
            this.maxHeaderFields = positive(maxHeaderFields, "maxHeaderFields");
            return this;
        }

        /**
         * Runs endpoint callbacks on virtual threads (JDK 21+) or a cached pool, one at a time per session, so they
         * may block. The executor is shut down by {@link WebSocketServer#stop()}.
         */
        public Builder blockingCallbacks() {
            this.blockingCallbacks = true;
            this.callbackExecutor = null;
            return this;
        }

        /** Runs endpoint callbacks on {@code executor}, one at a time per session; the caller owns the executor. */
        public Builder callbackExecutor(Executor executor) {
            this.blockingCallbacks = true;
            this.callbackExecutor = Objects.requireNonNull(executor);
            return this;
        }

        /**
         * Receives unexpected internal errors (failed accepts, bugs); must not throw. By default they are logged
         * on the {@code System.Logger} named after this class (WARNING; the stack trace at DEBUG).
         */
        public Builder errorHandler(Consumer<Throwable> handler) {
            this.errorHandler = Objects.requireNonNull(handler);
            return this;
        }

        /**
         * The most memory, over all connections, held for peers: output queued and not yet written (a broadcast
         * frame counts once per recipient) plus input of messages still arriving. When it is exceeded the
         * connections holding the most are closed, with 1013 (output backlog, discarded so the close frame goes
         * out at once) or 1009 (input), until use is back under three quarters of it. Default: a quarter of the
         * maximum heap ({@link Runtime#maxMemory()}).
         */
        public Builder memoryBudget(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("memoryBudget must be at least 1 byte, was " + bytes);
            }
            this.memoryBudget = bytes;
            return this;
        }

        /**
         * The most output one connection may have queued, whatever the {@link BackpressurePolicy}: a send that
         * would go past it is refused and the connection closed with 1013, its backlog discarded. A message sent
         * while nothing is queued always passes. Default: four times the engine's maximum message size, at least
         * 64 MiB (64 MiB with the default 16 MiB messages). (Input per connection is bounded by the engine's
         * maximum message size, 1009.)
         */
        public Builder maxBufferedPerConnection(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBufferedPerConnection must be at least 1, was " + bytes);
            }
            this.maxBufferedPerConnection = bytes;
            return this;
        }

        /**
         * Read-progress timeout: a session whose frame or fragmented message stopped arriving midway (no byte for
         * this long) is closed with 1008; an idle session between messages is not affected (see
         * {@link #idleTimeout}), nor one whose reading the server paused for backpressure. Checked every half
         * timeout, so it fires within 1.5 times the value. Zero turns it off. Default 60 s.
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = notNegative(timeout, "readTimeout");
            return this;
        }

        /**
         * Write-stall timeout: a session with queued output of which the socket took nothing for this long (the
         * peer stopped reading) is closed with 1013, its backlog discarded. Checked every half timeout. Zero turns
         * it off. Default 60 s.
         */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = notNegative(timeout, "writeTimeout");
            return this;
        }

        /**
         * The most TCP connections open at once (HTTP or WebSocket); one more gets HTTP 503 with
         * {@code Retry-After: 5} and is closed. Zero (the default) means no limit.
         */
        public Builder maxConnections(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxConnections must not be negative, was " + max);
            }
            this.maxConnections = max;
            return this;
        }

        /**
         * The most connections open at once from one IP address; one more gets HTTP 503 with
         * {@code Retry-After: 5} and is closed. Zero (the default) means no limit.
         */
        public Builder maxConnectionsPerAddress(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxConnectionsPerAddress must not be negative, was " + max);
            }
            this.maxConnectionsPerAddress = max;
            return this;
        }

        /**
         * How long an event loop may go without running a task before the watchdog reports it stalled (see
         * {@link WebSocketServer#health()}). Default 10 s.
         */
        public Builder watchdog(Duration stallThreshold) {
            this.watchdogStall = positive(stallThreshold, "watchdog stall threshold");
            return this;
        }

        /**
         * Called on the watchdog thread whenever the server's health changes (a loop stalls, recovers or dies);
         * must be quick and must not throw. Default: nothing.
         */
        public Builder healthListener(Consumer<ServerHealth> listener) {
            this.healthListener = Objects.requireNonNull(listener);
            return this;
        }

        public WebSocketServer build() {
            return new WebSocketServer(this);
        }

        private static int positive(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, was " + n);
            }
            return n;
        }

        private static Duration positive(Duration d, String what) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }

        private static Duration notNegative(Duration d, String what) {
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, was " + d);
            }
            return d;
        }
    }
}
