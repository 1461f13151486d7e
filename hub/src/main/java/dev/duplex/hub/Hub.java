package dev.duplex.hub;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.core.deflate.PerMessageDeflate;
import dev.duplex.net.EndpointOptions;
import dev.duplex.net.OriginPolicy;
import dev.duplex.net.WebSocketServer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Real-time messaging on a {@link WebSocketServer}: topics with a JSON protocol on {@code /hub} (publish,
 * subscribe, presence, stored history and resume, acks after commit, limits, optional token rights), plus the
 * raw endpoints {@code /echo} and {@code /broadcast/{topic}}. The protocol is specified in docs/protocol.md.
 *
 * <pre>{@code
 * Hub hub = Hub.builder()
 *         .dataDirectory(Path.of("data"))          // or .inMemory()
 *         .history(1000, Duration.ofHours(24))
 *         .build();
 * WebSocketServer server = hub.startServer(WebSocketServer.builder().host("127.0.0.1").port(8080));
 * hub.publish("prices", "{\"eur\":1.08}").thenAccept(p -> System.out.println("seq " + p.seq()));
 * ...
 * server.stop();
 * hub.close();
 * }</pre>
 *
 * <p><b>Wiring:</b> {@link #install} registers the endpoints on a server builder; after the server started,
 * {@link #attach} lets the hub broadcast through it (each message encoded once for all subscribers). Until then,
 * fan-out falls back to one send per subscriber, so forgetting {@code attach} costs speed, not correctness.
 * {@link #startServer} does all three. One hub serves one server.
 *
 * <p><b>Threading:</b> every public method is thread-safe. The hub owns one writer thread
 * ({@code duplex-hub-writer}) that opens the store, assigns sequence numbers, writes the store (group commits),
 * replays history and fans messages out; event loops only parse and check requests, so storage never blocks them.
 * {@link HubListener}s run on the writer thread, and so do dependent stages of {@link #publish}'s futures added
 * without an executor: keep them short or use the {@code ...Async} variants.
 *
 * <p><b>Start-up:</b> {@link Builder#build()} takes the data folder's lock and returns at once; the writer thread
 * opens the store (most of a second for H2 on a cold JVM) while the caller starts the server. Connections are
 * accepted meanwhile; {@code /echo} and {@code /broadcast} work at once, and {@code /hub} requests and
 * {@link #publish}es wait in the writer's queue until the store is open. {@link #ready()} tells when it is (or
 * that it failed); {@link #topics()} is empty until then.
 *
 * <p><b>Ownership:</b> the hub owns its store (an H2 database in the data directory, locked while open, or with
 * {@link Builder#redis} its Redis connections and their I/O threads) and its thread; {@link #close()} ends them. It does not own the server: stop the server first, then close the hub.
 */
public final class Hub implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Hub.class.getName());
    /** The paths {@link #install} registers. */
    public static final String HUB_PATH = "/hub";
    public static final String ECHO_PATH = "/echo";
    public static final String BROADCAST_PATH = "/broadcast";

    private final HubLimits limits;
    private final MessageStore store;
    private final SharedLog shared;
    private final Counters counters = new Counters();
    private final ServerFanout fanout = new ServerFanout();
    private final HubCore core;
    private final Writer writer;
    private final HubEndpoint hubEndpoint;
    private final BroadcastEndpoint broadcastEndpoint;
    private final EchoEndpoint echoEndpoint;
    private final HttpTransports httpTransports;
    private final ConnectHook connectHook;
    private final PerMessageDeflate compression;
    private final OriginPolicy originPolicy;
    private final AtomicBoolean installed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Hub(Builder b) {
        this.limits = b.limits;
        this.compression = b.compression;
        this.originPolicy = b.originPolicy;
        this.store = b.storeForTests != null ? b.storeForTests
                : b.dataDirectory != null ? new H2MessageStore(b.dataDirectory)
                : new MemoryMessageStore(b.retention.maxMessages());
        SeqHighWater seqs = b.dataDirectory != null && b.storeForTests == null
                ? SeqHighWater.inDirectory(b.dataDirectory, H2MessageStore.file(b.dataDirectory), b.acceptEmptyStore)
                : SeqHighWater.inMemory();
        this.shared = b.redisUri != null ? new RedisSharedLog(b.redisUri, b.retention, b.redisTimeout) : null;
        Replies replies = new Replies(new JsonFactory());
        this.core = new HubCore(store, b.retention, limits, b.clock, b.fanoutForTests != null ? b.fanoutForTests
                : fanout, replies, counters, b.errorHandler, seqs);
        this.writer = new Writer(core, b.errorHandler, b.pruneIntervalMillis);
        core.control(writer::submitControl);
        core.sharedLog(shared);
        this.hubEndpoint = new HubEndpoint(core, writer, new RequestParser(), replies, limits, counters, b.clock);
        this.broadcastEndpoint = new BroadcastEndpoint(fanout, limits);
        this.echoEndpoint = new EchoEndpoint(limits.maxRawMessageBytes());
        this.connectHook = new ConnectHook(b.tokenSecret != null
                ? new TokenVerifier(b.tokenSecret, b.requireTokenExp, b.tokenLeewaySeconds) : null);
        this.httpTransports = b.httpTransports ? new HttpTransports(hubEndpoint, connectHook, originPolicy, replies,
                limits, b.httpSettings) : null;
        writer.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Registers {@code /hub}, {@code /echo}, {@code /broadcast} and {@code /broadcast/*} on {@code server}, and
     * unless turned off ({@link Builder#httpTransports}) the HTTP fallbacks {@code /hub/sse}, {@code /hub/poll} and
     * {@code /hub/send}.
     * Call once, before {@code build()}; then {@link #attach} the started server.
     *
     * @return {@code server}, for chaining
     * @throws IllegalStateException    if this hub was installed already or is closed
     * @throws IllegalArgumentException if one of the paths is taken on that builder
     */
    public WebSocketServer.Builder install(WebSocketServer.Builder server) {
        Objects.requireNonNull(server, "server");
        if (closed.get()) {
            throw new IllegalStateException("the hub is closed");
        }
        if (!installed.compareAndSet(false, true)) {
            throw new IllegalStateException("a hub serves one server; install was called before");
        }
        server.endpoint(HUB_PATH, hubEndpoint, options(connectHook));
        // with a token secret, the raw endpoints need a valid token too (no rights apply there)
        server.endpoint(ECHO_PATH, echoEndpoint, options(connectHook.requiresToken() ? connectHook : null));
        dev.duplex.net.AcceptHook broadcastHook = connectHook.then(broadcastEndpoint);
        server.endpoint(BROADCAST_PATH, broadcastEndpoint, options(broadcastHook));
        server.endpoint(BROADCAST_PATH + "/*", broadcastEndpoint, options(broadcastHook));
        if (httpTransports != null) {
            httpTransports.install(server);
        }
        return server;
    }

    /**
     * Broadcasts through {@code server} from now on: each message is encoded once for all its recipients.
     * Call after {@code server.start()}, with the server built from the builder passed to {@link #install}.
     */
    public void attach(WebSocketServer server) {
        fanout.attach(Objects.requireNonNull(server, "server"));
    }

    /**
     * {@link #install}s the hub on {@code server}, builds and starts it, and {@link #attach}es it.
     *
     * @return the started server; the caller stops it (before closing the hub)
     * @throws IOException if the server cannot bind
     */
    public WebSocketServer startServer(WebSocketServer.Builder server) throws IOException {
        install(server);
        WebSocketServer started = server.build().start();
        attach(started);
        return started;
    }

    /**
     * Publishes {@code json} (any JSON value: object, array, string, number, ...) on {@code topic} as
     * {@link Member#SERVER}. The future completes with the message's seq and timestamp once it is committed
     * (before it is fanned out), or exceptionally with a {@link HubException} ({@code too_many_topics},
     * {@code overloaded}, {@code internal}, or the hub closing; with {@link Builder#redis} also
     * {@code unavailable}: Redis did not confirm).
     *
     * @throws IllegalArgumentException if the topic name is invalid, {@code json} is not valid JSON, or it is
     *                                  larger than {@link HubLimits#maxMessageBytes()}
     */
    public CompletableFuture<Published> publish(String topic, String json) {
        return publish(topic, json, null);
    }

    /**
     * As {@link #publish(String, String)}, made idempotent by {@code key} (1-64 characters of
     * {@code [A-Za-z0-9._:-]}; null for none): if the topic got a publish with the same key within the key window
     * (5 minutes; see docs/protocol.md), nothing is stored or delivered and the future completes with that
     * publish's seq and timestamp. So a publish whose outcome is unknown (a timeout, a failed node) can be sent
     * again with the same key.
     *
     * @throws IllegalArgumentException as {@link #publish(String, String)}, or if {@code key} is invalid
     */
    public CompletableFuture<Published> publish(String topic, String json, String key) {
        if (!TopicNames.isValid(topic)) {
            throw new IllegalArgumentException("invalid topic name: " + topic);
        }
        if (key != null && !PublishKeys.isValid(key)) {
            throw new IllegalArgumentException("a publish key is 1-64 characters of A-Z a-z 0-9 . _ : -, was: " + key);
        }
        Objects.requireNonNull(json, "json");
        if (Utf8Length.of(json, limits.maxMessageBytes()) > limits.maxMessageBytes()) {
            throw new IllegalArgumentException("data larger than " + limits.maxMessageBytes() + " bytes");
        }
        String compact;
        try {
            ObjectMapper mapper = LazyMapper.get();
            JsonNode node = mapper.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("empty JSON");
            }
            compact = mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        CompletableFuture<Published> future = new CompletableFuture<>();
        if (!writer.submit(new Command.Publish(null, null, topic, compact, false, future, key))) {
            future.completeExceptionally(new HubException(ErrorCode.OVERLOADED.wire(),
                    closed.get() ? "the hub is closed" : "the hub is busy; try again later"));
        }
        return future;
    }

    /**
     * Completes once the store is open and every topic's last seq is loaded, on the writer thread (add slow
     * stages with the {@code ...Async} variants). Completes exceptionally with the cause if opening fails: the
     * error handler is told as well, and from then on every publish, subscribe and unsubscribe is answered with
     * {@code internal} (pings still get pongs; {@code /echo} and {@code /broadcast} keep working). Each call
     * returns a new future: completing it does not affect the hub.
     */
    public CompletableFuture<Void> ready() {
        return writer.ready().copy();
    }

    /** Adds a listener (see {@link HubListener} for threading). */
    public void addListener(HubListener listener) {
        core.listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(HubListener listener) {
        core.listeners.remove(listener);
    }

    /**
     * A snapshot of the live topics (idle ones are reclaimed: no subscriber and no kept history), sorted by name;
     * empty until {@link #ready()}.
     */
    public List<TopicInfo> topics() {
        List<TopicInfo> out = new ArrayList<>();
        for (Topic t : core.topics.values()) {
            out.add(new TopicInfo(t.name, t.lastSeq, t.members.size()));
        }
        out.sort(Comparator.comparing(TopicInfo::name));
        return out;
    }

    /** A snapshot of {@code topic}'s subscribers; empty for an unknown topic. */
    public List<Member> members(String topic) {
        Topic t = core.topics.get(topic);
        if (t == null) {
            return List.of();
        }
        List<Member> out = new ArrayList<>();
        for (HubConnection c : t.members) {
            out.add(c.member());
        }
        return out;
    }

    public HubMetrics metrics() {
        return new HubMetrics(counters.connections.sum(), core.topics.size(), counters.published.sum(),
                counters.delivered.sum(), counters.stored.sum(), counters.replayed.sum(), counters.errors.sum(),
                counters.slowConsumersClosed.sum(), counters.topicsReclaimed.sum(),
                counters.topicCreationsRefused.sum(), counters.tokenExpiriesClosed.sum(),
                counters.duplicatePublishes.sum());
    }

    /**
     * With {@link Builder#redis}: what this node sees of Redis (node id, links, round-trip times, errors, messages
     * in and out); empty for a hub with its own store. Thread-safe and quick (adds up counters).
     */
    public Optional<ClusterMetrics> clusterMetrics() {
        return shared == null ? Optional.empty() : Optional.of(shared.metrics());
    }

    public HubLimits limits() {
        return limits;
    }

    /**
     * Commits what is queued, stops the writer thread and closes the store. Publishes queued after this fail with
     * {@code internal}. Stop the server first: connections still open get no more messages. Idempotent; must not
     * be called from a {@link HubListener}.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (writer.isWriterThread()) {
            throw new IllegalStateException("close() called from a hub listener");
        }
        try {
            writer.close(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writer.ready().completeExceptionally(new HubException(ErrorCode.INTERNAL.wire(), "the hub is closed"));
            store.close();
            if (httpTransports != null) {
                httpTransports.close();
            }
            if (shared != null) {
                shared.close();
            }
        }
    }

    // ------------------------------------------------------------------------------ for tests in this package

    HubEndpoint hubEndpoint() {
        return hubEndpoint;
    }

    BroadcastEndpoint broadcastEndpoint() {
        return broadcastEndpoint;
    }

    HttpTransports httpTransports() {
        return httpTransports;
    }

    /** The default error handler: one WARNING line, the stack trace only with DEBUG on for this logger. */
    private static void logError(Throwable e) {
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.WARNING, "hub error", e);
        } else {
            LOG.log(System.Logger.Level.WARNING, "hub error: " + e);
        }
    }

    private EndpointOptions options(dev.duplex.net.AcceptHook hook) {
        EndpointOptions.Builder o = EndpointOptions.builder();
        if (hook != null) {
            o.acceptHook(hook);
        }
        if (compression != null) {
            o.compression(compression);
        }
        o.originPolicy(originPolicy);
        return o.build();
    }

    /**
     * Configures a {@link Hub}; not thread-safe. Choose the storage: {@link #dataDirectory} (H2, survives
     * restarts) or {@link #inMemory()}. Defaults: history of 1000 messages / 24 h per topic,
     * {@link HubLimits#defaults()}, no token required, no compression.
     */
    public static final class Builder {
        private Path dataDirectory;
        private boolean inMemory;
        private Retention retention = new Retention(1000, Duration.ofHours(24));
        private HubLimits limits = HubLimits.defaults();
        private byte[] tokenSecret;
        private boolean requireTokenExp;
        private long tokenLeewaySeconds = TokenVerifier.DEFAULT_LEEWAY_SECONDS;
        private boolean acceptEmptyStore;
        private PerMessageDeflate compression;
        private OriginPolicy originPolicy = OriginPolicy.any();
        private Clock clock = Clock.systemUTC();
        private long pruneIntervalMillis = 1_000;
        private Fanout fanoutForTests;
        private MessageStore storeForTests;
        private Consumer<Throwable> errorHandler = Hub::logError;
        private String redisUri;
        private Duration redisTimeout = Duration.ofSeconds(2);
        private boolean httpTransports = true;
        private HttpTransports.Settings httpSettings = HttpTransports.Settings.DEFAULTS;

        private Builder() {
        }

        /** Stores messages in an H2 database in {@code directory} (created if needed). */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory");
            this.inMemory = false;
            return this;
        }

        /** Keeps messages in memory only: history works, but a new hub starts empty (seq from 1). */
        public Builder inMemory() {
            this.inMemory = true;
            this.dataDirectory = null;
            return this;
        }

        /**
         * Each topic keeps at most {@code maxMessages} (0 = no history) and none older than {@code maxAge}.
         */
        public Builder history(int maxMessages, Duration maxAge) {
            this.retention = new Retention(maxMessages, Objects.requireNonNull(maxAge, "maxAge"));
            return this;
        }

        public Builder limits(HubLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Requires an HS256 token on {@code /hub} ({@code ?token=} or {@code Authorization: Bearer}) signed with
         * this secret (at least 32 bytes); its claims give the name and the publish/subscribe rights. {@code /echo}
         * and {@code /broadcast} then require a valid token too (rights do not apply there). The array is copied.
         */
        public Builder tokenSecret(byte[] secret) {
            if (secret.length < 32) {
                throw new IllegalArgumentException("an HS256 secret needs at least 32 bytes, got " + secret.length);
            }
            this.tokenSecret = secret.clone();
            return this;
        }

        /**
         * With {@link #tokenSecret}: refuse (401 at the handshake) tokens without an {@code exp} claim. Tokens
         * with one are always enforced: at the handshake, and on open connections, which are closed with 4001
         * ("token expired") once {@code exp} (plus 5 s leeway) passes. Default: false.
         */
        public Builder requireTokenExp(boolean require) {
            this.requireTokenExp = require;
            return this;
        }

        /**
         * With {@link #dataDirectory}: start even if the database file ({@code hub.mv.db}) was deleted, emptied
         * or replaced while the folder's {@code hub.seq} says sequence numbers were given; numbering then
         * continues above that high-water mark. Default false: {@link Hub#ready()} fails with a one-line
         * {@link HubException} naming the file, so sequence numbers are never reused by accident.
         */
        public Builder acceptEmptyStore(boolean accept) {
            this.acceptEmptyStore = accept;
            return this;
        }

        /**
         * Makes this hub one node of several sharing Redis 7 (or Valkey) at {@code uri}: one primary
         * ({@code redis://host:6379}, {@code rediss://...} for TLS, {@code redis://:password@host}), a primary found
         * through Redis Sentinel ({@code redis-sentinel://host:26379[,host2:26379]/?sentinelMasterId=name},
         * {@code rediss-sentinel://}; after a failover the node moves to the new primary) or a Redis Cluster
         * ({@code redis-cluster://host:6379[,host2:6379...]}, seed nodes; {@code rediss-cluster://}). Redis numbers
         * each topic's messages (one order for every node), keeps the history with this hub's {@link #history}
         * retention (all nodes should use the same) and carries each message to the nodes whose clients subscribed.
         * Acks wait for Redis; while Redis is unreachable, publishes fail with {@code unavailable} and subscribers
         * are told, and delivery resumes (missed messages fetched from the log) once it is back. Replaces the
         * local store: not with {@link #dataDirectory}. Redis must be reachable when the hub starts, or
         * {@link Hub#ready()} fails. Clients see presence ({@code join}/{@code leave}, member lists) from every
         * node; {@link Hub#members}, {@link HubListener#onJoin}/{@code onLeave} stay per node, and
         * {@link HubListener#onMessage} is called on the node that published the message. See docs/cluster.md
         * (also "Redis Sentinel and Redis Cluster"); {@link Hub#clusterMetrics()} reports the node's Redis figures.
         *
         * @throws IllegalArgumentException if {@code uri} has none of these schemes or is malformed (e.g. a
         *                                  Sentinel URI without {@code sentinelMasterId})
         */
        public Builder redis(String uri) {
            Objects.requireNonNull(uri, "uri");
            RedisLink.check(uri);
            this.redisUri = uri;
            return this;
        }

        /** With {@link #redis}: how long a Redis command may take before it fails ({@code unavailable}); 2 s. */
        public Builder redisTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.redisTimeout = timeout;
            return this;
        }

        /** Offers permessage-deflate on the hub's endpoints with these settings. */
        public Builder compression(PerMessageDeflate deflate) {
            this.compression = Objects.requireNonNull(deflate, "deflate");
            return this;
        }

        /**
         * Which Origins may open /hub, /echo and /broadcast (a refused browser page gets 403), e.g.
         * {@link OriginPolicy#sameOrigin(String...)} against cross-site WebSocket hijacking. Default:
         * {@link OriginPolicy#any()}.
         */
        public Builder originPolicy(OriginPolicy policy) {
            this.originPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Receives unexpected failures (storage errors, listener exceptions); must not throw. By default they are
         * logged on the {@code System.Logger} {@code dev.duplex.hub.Hub} (WARNING; the stack trace at DEBUG).
         */
        public Builder errorHandler(Consumer<Throwable> handler) {
            this.errorHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * The HTTP fallbacks of {@code /hub} (Server-Sent Events on {@code /hub/sse}, long polling on
         * {@code /hub/poll}, requests on {@code /hub/send}; docs/protocol.md, "HTTP transports"): at most
         * {@code maxSessions} sessions at once (one more gets 503), each ended (as a closed connection: its
         * subscriptions leave) once no stream or poll was attached and no request came for {@code idleTimeout}.
         * Default: on, 10,000 sessions, 30 s.
         */
        public Builder httpTransports(boolean enabled, int maxSessions, Duration idleTimeout) {
            if (maxSessions < 1) {
                throw new IllegalArgumentException("maxSessions must be at least 1, was " + maxSessions);
            }
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
            }
            this.httpTransports = enabled;
            this.httpSettings = new HttpTransports.Settings(maxSessions, httpSettings.maxSessionsPerAddress(),
                    idleTimeout, httpSettings.pollTimeout(), httpSettings.heartbeat());
            return this;
        }

        /**
         * At most {@code max} HTTP transport sessions at once from one client IP address (one more gets 503 with
         * {@code Retry-After: 5}); 0, the default, means no limit. Clients behind one proxy or NAT share an address:
         * size it for them.
         */
        public Builder httpSessionsPerAddress(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("max must not be negative, was " + max);
            }
            this.httpSettings = new HttpTransports.Settings(httpSettings.maxSessions(), max,
                    httpSettings.sessionTimeout(), httpSettings.pollTimeout(), httpSettings.heartbeat());
            return this;
        }

        /** For tests: how long a poll is held, and how often a quiet SSE stream gets a heartbeat. */
        Builder httpTimings(Duration pollTimeout, Duration heartbeat) {
            this.httpSettings = new HttpTransports.Settings(httpSettings.maxSessions(),
                    httpSettings.maxSessionsPerAddress(), httpSettings.sessionTimeout(), pollTimeout, heartbeat);
            return this;
        }

        Builder tokenLeeway(Duration leeway) {
            this.tokenLeewaySeconds = leeway.toSeconds();
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        Builder pruneInterval(Duration interval) {
            this.pruneIntervalMillis = interval.toMillis();
            return this;
        }

        Builder fanout(Fanout fanout) {
            this.fanoutForTests = fanout;
            return this;
        }

        /** Uses {@code store} instead of the one chosen by {@link #dataDirectory} or {@link #inMemory()}. */
        Builder store(MessageStore store) {
            this.storeForTests = store;
            this.inMemory = true;
            this.dataDirectory = null;
            return this;
        }

        /**
         * Takes the data folder's lock and starts the writer thread, which opens the store (loading each topic's
         * last seq) in the background: see {@link Hub#ready()}.
         *
         * @throws IllegalStateException if none of {@link #dataDirectory}, {@link #inMemory()} and {@link #redis}
         *                               was chosen, or both {@link #dataDirectory} and {@link #redis}
         * @throws HubException          ({@code internal}) if the data folder cannot be created or locked, e.g.
         *                               another hub has it
         */
        public Hub build() {
            if (redisUri != null && dataDirectory != null) {
                throw new IllegalStateException("redis(uri) replaces the data directory: choose one");
            }
            if (dataDirectory == null && !inMemory && redisUri == null) {
                throw new IllegalStateException("choose the storage: dataDirectory(path), inMemory() or redis(uri)");
            }
            return new Hub(this);
        }
    }
}
