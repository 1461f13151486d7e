package dev.duplex.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.core.handshake.HttpRequest;
import dev.duplex.net.Acceptance;
import dev.duplex.net.HttpCall;
import dev.duplex.net.HttpReply;
import dev.duplex.net.OriginPolicy;
import dev.duplex.net.WebSocketServer;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The hub protocol over plain HTTP, for clients whose network does not pass WebSocket: Server-Sent Events
 * ({@code GET /hub/sse}) or long polling ({@code GET /hub/poll}) from the server, {@code POST /hub/send} to it.
 * Each client is an {@link HttpSession} named by a random transport token, kept in one map shared by every event
 * loop, so a client's requests may land on any loop (no sticky sessions). The wire rules are in docs/protocol.md,
 * "HTTP transports".
 *
 * <p>Tokens, names and the Origin policy are checked exactly as on {@code /hub}; a session counts as one hub
 * connection (same rate limits, topic limits, slow-consumer bound, token expiry). One daemon thread
 * ({@code duplex-hub-http}) answers held polls, sends SSE heartbeats and ends sessions idle for longer than the
 * session timeout.
 *
 * <p><b>Threading:</b> handlers run on the event loops and never block; everything else is thread-safe.
 */
final class HttpTransports {
    static final String SSE_PATH = Hub.HUB_PATH + "/sse";
    static final String POLL_PATH = Hub.HUB_PATH + "/poll";
    static final String SEND_PATH = Hub.HUB_PATH + "/send";
    /**
     * Bytes of messages written to an SSE stream kept for a reconnect (EventSource never acknowledges, so without
     * {@code ack} on POSTs every session would keep its whole window): enough for what is in flight on a normal
     * connection; a resume from before them starts a new session.
     */
    static final long SSE_RESUME_WINDOW = 256 << 10;

    private final HubEndpoint endpoint;
    private final ConnectHook connectHook;
    private final OriginPolicy originPolicy;
    private final Replies replies;
    private final HubLimits limits;
    private final Settings settings;
    private final Map<String, HttpSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService timer;

    /** The transports' timing and bounds. */
    record Settings(int maxSessions, int maxSessionsPerAddress, Duration sessionTimeout, Duration pollTimeout,
                    Duration heartbeat) {
        static final Settings DEFAULTS = new Settings(10_000, 0, Duration.ofSeconds(30), Duration.ofSeconds(25),
                Duration.ofSeconds(15));
    }

    /** Open sessions per client address, with {@link Settings#maxSessionsPerAddress()}. */
    private final Map<java.net.InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    HttpTransports(HubEndpoint endpoint, ConnectHook connectHook, OriginPolicy originPolicy, Replies replies,
                   HubLimits limits, Settings settings) {
        this.endpoint = endpoint;
        this.connectHook = connectHook;
        this.originPolicy = originPolicy;
        this.replies = replies;
        this.limits = limits;
        this.settings = settings;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "duplex-hub-http");
            t.setDaemon(true);
            return t;
        });
        long sweep = Math.max(10, Math.min(1_000, Math.min(settings.sessionTimeout().toMillis(),
                settings.heartbeat().toMillis()) / 4));
        timer.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** Registers the three paths on {@code server}. */
    void install(WebSocketServer.Builder server) {
        Duration pollCall = settings.pollTimeout().plusSeconds(30);
        server.httpCalls(SSE_PATH, 0, Duration.ofSeconds(30), this::sse);
        server.httpCalls(POLL_PATH, 0, pollCall, this::poll);
        server.httpCalls(SEND_PATH, maxBodyBytes(), Duration.ofSeconds(30), this::send);
    }

    /** A POST carries up to four maximum-size requests' worth (a JSON array of requests). */
    int maxBodyBytes() {
        return (int) Math.min(Integer.MAX_VALUE - 1024, 4L * limits.maxMessageBytes());
    }

    /** Ends every session and stops the timer thread (the hub is closing). */
    void close() {
        timer.shutdownNow();
        for (HttpSession s : sessions.values()) {
            end(s);
        }
    }

    int sessionCount() {
        return sessions.size();
    }

    /** For tests: the session with this token, or null. */
    HttpSession session(String token) {
        return sessions.get(token);
    }

    // ----------------------------------------------------------------------------------------- handlers

    /** {@code GET /hub/sse}: a new session, or a reconnecting EventSource resuming one ({@code Last-Event-ID}). */
    private void sse(HttpCall call) {
        if (!preflight(call, "GET")) {
            return;
        }
        HttpRequest r = call.request();
        Map<String, String> query = QueryParams.parse(r.query());
        String sessionToken = query.get("session");
        String ack = query.get("ack");
        String lastEventId = r.headers().first("Last-Event-ID");
        if (lastEventId != null && sessionToken == null) {
            int dot = lastEventId.lastIndexOf('.');
            if (dot > 0) {
                sessionToken = lastEventId.substring(0, dot);
                ack = lastEventId.substring(dot + 1);
            }
        }
        HttpSession s = sessionToken == null ? null : sessions.get(sessionToken);
        if (s != null) {
            long cursor = cursor(ack);
            HttpSession.Resume resume = s.check(cursor);
            if (resume == HttpSession.Resume.FINISHED) {
                call.reply(cors(call, HttpReply.text(204, ""))); // an EventSource stops reconnecting on 204
                return;
            }
            if (resume == HttpSession.Resume.OK) {
                s.acknowledge(cursor);
                s.attachStream(call);
                return;
            }
            end(s); // it cannot resume without a hole: a new session (a new welcome), as after a WebSocket reconnect
        }
        HttpSession created = create(call, "sse");
        if (created != null) {
            created.attachStream(call);
        }
    }

    /** {@code GET /hub/poll}: without {@code session} a new session, else the messages after {@code ack}. */
    private void poll(HttpCall call) {
        if (!preflight(call, "GET")) {
            return;
        }
        Map<String, String> query = QueryParams.parse(call.request().query());
        String token = query.get("session");
        if (token == null) {
            HttpSession created = create(call, "longpoll");
            if (created != null) {
                created.attachPoll(call);
            }
            return;
        }
        HttpSession s = sessions.get(token);
        if (s == null) {
            call.reply(cors(call, jsonError(404, "unknown_session", "no such session (it expired or ended)")));
            return;
        }
        long cursor = cursor(query.get("ack"));
        switch (s.check(cursor)) {
            case BAD_CURSOR:
                call.reply(cors(call, jsonError(400, "bad_request", "\"ack\" must be the number of a message received")));
                return;
            case LOST:
                end(s);
                call.reply(cors(call, jsonError(410, "resume_failed",
                        "messages after " + cursor + " are no longer kept; start a new session")));
                return;
            case FINISHED:
                s.acknowledge(cursor);
                end(s);
                call.reply(cors(call, jsonError(410, "closed", "the session was closed")));
                return;
            default:
                s.acknowledge(cursor);
                s.attachPoll(call);
        }
    }

    /** {@code POST /hub/send?session=...}: one request (a JSON object) or several (a JSON array), in order. */
    private void send(HttpCall call) {
        if (!preflight(call, "POST")) {
            return;
        }
        Map<String, String> query = QueryParams.parse(call.request().query());
        String token = query.get("session");
        HttpSession s = token == null ? null : sessions.get(token);
        if (s == null) {
            call.reply(cors(call, jsonError(404, "unknown_session", "no such session (it expired or ended)")));
            return;
        }
        if (query.containsKey("ack")) {
            long cursor = cursor(query.get("ack"));
            if (s.check(cursor) == HttpSession.Resume.OK) {
                s.acknowledge(cursor);
            }
        }
        s.touch();
        HubConnection c = s.connection();
        String body = call.bodyText();
        String trimmed = body.strip();
        if (trimmed.startsWith("[")) {
            JsonNode array;
            try {
                array = LazyMapper.get().readTree(trimmed);
            } catch (JsonProcessingException e) {
                array = null;
            }
            if (array != null && array.isArray()) {
                for (JsonNode request : array) {
                    endpoint.handle(c, request.toString());
                }
            } else {
                endpoint.handle(c, body); // answered with bad_request on the session, as a bad frame would be
            }
        } else if (!trimmed.isEmpty()) {
            endpoint.handle(c, body);
        }
        call.reply(cors(call, HttpReply.text(204, "")));
    }

    // ----------------------------------------------------------------------------------------- helpers

    /**
     * Checks the method and the Origin (403 as on /hub); answers a CORS preflight. Returns false once the call
     * was answered.
     */
    private boolean preflight(HttpCall call, String method) {
        HttpRequest r = call.request();
        String origin = r.headers().first("Origin");
        if (!originPolicy.allows(origin, r.headers().first("Host"))) {
            call.reply(jsonError(403, "forbidden", "origin not allowed"));
            return false;
        }
        if (r.method().equals("OPTIONS")) {
            call.reply(cors(call, HttpReply.text(204, ""))
                    .withHeader("Access-Control-Allow-Methods", method)
                    .withHeader("Access-Control-Allow-Headers", "Content-Type, Authorization, Last-Event-ID")
                    .withHeader("Access-Control-Max-Age", "600"));
            return false;
        }
        if (!r.method().equals(method)) {
            call.reply(jsonError(405, "bad_request", "use " + method + " here").withHeader("Allow", method + ", OPTIONS"));
            return false;
        }
        return true;
    }

    /** A new session for an accepted request (token and name as on /hub), or null once the call got its refusal. */
    private HttpSession create(HttpCall call, String transport) {
        Acceptance accepted = connectHook.check(call.request());
        if (!accepted.isAccepted()) {
            call.reply(cors(call, jsonError(accepted.status(), "unauthorized", accepted.body())));
            return null;
        }
        if (sessions.size() >= settings.maxSessions()) {
            call.reply(cors(call, jsonError(503, "overloaded", "the hub keeps at most " + settings.maxSessions()
                    + " HTTP sessions; retry later")).withHeader("Retry-After", "5"));
            return null;
        }
        java.net.InetAddress address = settings.maxSessionsPerAddress() > 0
                && call.remoteAddress() instanceof java.net.InetSocketAddress a ? a.getAddress() : null;
        if (address != null && !countAddress(address)) {
            call.reply(cors(call, jsonError(503, "overloaded", "too many HTTP sessions from your address; retry later"))
                    .withHeader("Retry-After", "5"));
            return null;
        }
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long keepSent = transport.equals("sse") ? Math.min(limits.maxOutboundBytes(), SSE_RESUME_WINDOW)
                : limits.maxOutboundBytes();
        HttpSession s = new HttpSession(token, transport, this, limits.maxOutboundBytes(), keepSent);
        s.address = address;
        s.held(call.server().holdMemory(() -> schedule(() -> s.closeDiscardingBacklog(
                dev.duplex.core.CloseCodes.TRY_AGAIN_LATER, "server memory budget exceeded"), 0)));
        sessions.put(token, s);
        Identity identity = accepted.attachment() instanceof Identity i ? i : new Identity(null, Rights.ALL);
        s.connection(endpoint.open(identity, s, transport, token));
        return s;
    }

    /** Takes one of the address's session slots; false if it has none left. */
    private boolean countAddress(java.net.InetAddress address) {
        boolean[] over = new boolean[1];
        perAddress.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            if (count >= settings.maxSessionsPerAddress()) {
                over[0] = true;
                return n;
            }
            return count + 1;
        });
        return !over[0];
    }

    private void end(HttpSession s) {
        if (s.end()) {
            sessions.remove(s.token, s);
            if (s.address != null) {
                perAddress.computeIfPresent(s.address, (a, n) -> n <= 1 ? null : n - 1);
            }
            HubConnection c = s.connection();
            if (c != null) {
                endpoint.closed(c);
            }
        }
    }

    /** Timer thread: heartbeats on quiet streams, and the end of sessions idle for longer than the timeout. */
    private void sweep() {
        long now = System.nanoTime();
        long idle = settings.sessionTimeout().toNanos();
        long heartbeat = settings.heartbeat().toNanos();
        for (HttpSession s : sessions.values()) {
            if (s.idleLongerThan(idle, now)) {
                end(s);
            } else {
                s.heartbeat(heartbeat, now);
            }
        }
    }

    private static long cursor(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    HttpReply jsonError(int status, String code, String message) {
        return HttpReply.json(status, replies.httpError(code, message)).withHeader("Cache-Control", "no-store");
    }

    /** Lets an allowed cross-origin page read the answer (the Origin policy was checked already). */
    HttpReply cors(HttpCall call, HttpReply reply) {
        String origin = call.request().headers().first("Origin");
        return origin == null ? reply : reply.withHeader("Access-Control-Allow-Origin", origin).withHeader("Vary", "Origin");
    }

    Replies replies() {
        return replies;
    }

    long pollTimeoutNanos() {
        return settings.pollTimeout().toNanos();
    }

    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        try {
            return timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            return null;
        }
    }

    void drained(HubConnection c) {
        endpoint.onDrainOf(c);
    }
}
