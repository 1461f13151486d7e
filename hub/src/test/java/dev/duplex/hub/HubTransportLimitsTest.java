package dev.duplex.hub;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.net.OriginPolicy;
import dev.duplex.net.WebSocketServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP transports under the same rules as /hub: Origin, tokens and their expiry, limits (sessions, body
 * size, rates, slow consumers), idle expiry, poll timeout, heartbeats, and requests landing on different loops.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HubTransportLimitsTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-test-only".getBytes(StandardCharsets.UTF_8);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    final HubNodes nodes = new HubNodes();
    private Hub hub;
    private WebSocketServer server;

    private void start(Hub.Builder b) throws Exception {
        start(b, WebSocketServer.builder());
    }

    private void start(Hub.Builder b, WebSocketServer.Builder server) throws Exception {
        hub = nodes.node(b, server.eventLoops(2));
        this.server = nodes.server(0);
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(HttpClient client, String pathAndQuery, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String body) throws Exception {
        return FakePeer.JSON.readTree(body);
    }

    private HubClient ws(String query) throws Exception {
        HubClient c = HubClient.of(JdkHubClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hub?" + query)));
        nodes.track(c);
        return c;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** A long-poll session opened by hand: the welcome's transport session, polled only when the test says. */
    private String openPollSession(String query) throws Exception {
        HttpResponse<String> r = get("/hub/poll" + query);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode welcome = json(r.body()).get(0);
        assertEquals("welcome", welcome.path("type").asText());
        return welcome.path("transportSession").asText();
    }

    @Test
    void theOriginPolicyOfHubAppliesToEveryTransportPath() throws Exception {
        start(Hub.builder().inMemory().originPolicy(OriginPolicy.sameOrigin()));
        String evil = "http://evil.example";
        assertEquals(403, get("/hub/sse", "Origin", evil).statusCode());
        assertEquals(403, get("/hub/poll", "Origin", evil).statusCode());
        String session = openPollSession("");
        assertEquals(403, post(HTTP, "/hub/send?session=" + session, "{\"type\":\"ping\"}", "Origin", evil).statusCode());
        String own = "http://127.0.0.1:" + server.port();
        HttpResponse<String> ok = get("/hub/poll", "Origin", own);
        assertEquals(200, ok.statusCode());
        assertEquals(own, ok.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals(204, post(HTTP, "/hub/send?session=" + session, "{\"type\":\"ping\",\"id\":\"1\"}", "Origin", own)
                .statusCode());
    }

    @Test
    void tokensAreCheckedAsOnHubAndTheirRightsAndExpiryApply() throws Exception {
        start(Hub.builder().inMemory().tokenSecret(SECRET).tokenLeeway(Duration.ZERO).pruneInterval(Duration.ofMillis(20)));
        HttpResponse<String> none = get("/hub/poll");
        assertEquals(401, none.statusCode());
        assertEquals("unauthorized", json(none.body()).path("code").asText());
        assertEquals(401, get("/hub/sse?token=forged").statusCode());

        String token = JWT.create().withClaim("name", "carol").withArrayClaim("publish", new String[] {"a"})
                .withArrayClaim("subscribe", new String[] {"*"}).withExpiresAt(Instant.now().plusSeconds(3))
                .sign(Algorithm.HMAC256(SECRET));
        SseHubClient carol = SseHubClient.connect(uri("/"), "name=mallory&token=" + token);
        nodes.track(carol);
        assertEquals("carol", carol.next("welcome").path("name").asText(), "the token's name wins");
        carol.send("{\"type\":\"publish\",\"id\":\"x\",\"topic\":\"b\",\"data\":1}");
        assertEquals("forbidden", carol.next("error").path("code").asText());
        JsonNode close = carol.next("close"); // once exp passes: what a WebSocket sees as the 4001 close frame
        assertEquals(4001, close.path("code").asInt());
        assertEquals("token expired", close.path("reason").asText());
        assertEquals(1, hub.metrics().tokenExpiriesClosed());
    }

    @Test
    void anIdleSessionEndsAndLeavesItsTopics() throws Exception {
        start(Hub.builder().inMemory().httpTransports(true, 10, Duration.ofMillis(300)));
        HubClient bob = ws("name=bob");
        bob.next("welcome");
        bob.send("{\"type\":\"subscribe\",\"topic\":\"t\"}");
        bob.next("subscribed");
        String session = openPollSession("?name=alice");
        assertEquals(204, post(HTTP, "/hub/send?session=" + session, "{\"type\":\"subscribe\",\"topic\":\"t\"}").statusCode());
        assertEquals("alice", bob.next("join").path("member").path("name").asText());
        assertEquals(2, hub.metrics().connections());
        // no poll for longer than the idle timeout
        JsonNode leave = bob.next("leave");
        assertEquals("alice", leave.path("member").path("name").asText());
        await(() -> hub.metrics().connections() == 1, "the session counted as closed");
        HttpResponse<String> late = get("/hub/poll?session=" + session + "&ack=1");
        assertEquals(404, late.statusCode());
        assertEquals("unknown_session", json(late.body()).path("code").asText());
        assertEquals(404, post(HTTP, "/hub/send?session=" + session, "{\"type\":\"ping\"}").statusCode());
        assertEquals(0, hub.httpTransports().sessionCount());
    }

    @Test
    void sessionsAreLimitedAndAPostOverTheBodyLimitGets413() throws Exception {
        start(Hub.builder().inMemory().httpTransports(true, 1, Duration.ofSeconds(30))
                .limits(HubLimits.builder().maxMessageBytes(1024).build()));
        String session = openPollSession("");
        HttpResponse<String> second = get("/hub/poll");
        assertEquals(503, second.statusCode());
        assertEquals("5", second.headers().firstValue("Retry-After").orElse(null));
        assertEquals(503, get("/hub/sse").statusCode());
        assertEquals(413, post(HTTP, "/hub/send?session=" + session, "[" + "1,".repeat(2100) + "1]").statusCode());
        assertEquals(204, post(HTTP, "/hub/send?session=" + session, "{\"type\":\"ping\",\"id\":\"p\"}").statusCode());
        HttpResponse<String> pong = get("/hub/poll?session=" + session + "&ack=1");
        assertEquals("pong", json(pong.body()).get(0).path("type").asText());
    }

    @Test
    void sessionsPerAddressAreLimitedAndAnEndedSessionFreesItsSlot() throws Exception {
        start(Hub.builder().inMemory().httpTransports(true, 100, Duration.ofMillis(300)).httpSessionsPerAddress(2));
        openPollSession("");
        openPollSession("");
        HttpResponse<String> third = get("/hub/poll");
        assertEquals(503, third.statusCode(), "a third session from 127.0.0.1");
        assertTrue(third.body().contains("your address"), third.body());
        assertEquals(2, hub.httpTransports().sessionCount());
        await(() -> hub.httpTransports().sessionCount() == 0, "both expired");
        openPollSession("");
        openPollSession("");
    }

    @Test
    void requestsInOnePostTakeFromTheSameRateBucketsAndOversizedOnesGetTooLarge() throws Exception {
        start(Hub.builder().inMemory().limits(HubLimits.builder().requestRate(1, 2).maxMessageBytes(100).build()));
        PollHubClient c = PollHubClient.connect(uri("/"), "");
        nodes.track(c);
        c.next("welcome");
        c.send("[{\"type\":\"ping\",\"id\":\"1\"},{\"type\":\"ping\",\"id\":\"2\"},{\"type\":\"ping\",\"id\":\"3\"},"
                + "{\"type\":\"publish\",\"id\":\"4\",\"topic\":\"t\",\"data\":\"" + "x".repeat(100) + "\"}]");
        assertEquals("1", c.next("pong").path("id").asText());
        assertEquals("2", c.next("pong").path("id").asText());
        assertEquals("rate_limited", c.next("error").path("code").asText());
        assertEquals("too_large", c.next("error").path("code").asText());
        c.send("not json");
        assertEquals("bad_request", c.next("error").path("code").asText());
    }

    @Test
    void aSessionThatDoesNotCollectItsMessagesIsClosedAsASlowConsumer() throws Exception {
        start(Hub.builder().inMemory().limits(HubLimits.builder().maxOutboundBytes(2048).build()));
        HubClient bob = ws("name=bob");
        bob.next("welcome");
        String session = openPollSession("?name=alice");
        post(HTTP, "/hub/send?session=" + session, "{\"type\":\"subscribe\",\"topic\":\"t\"}");
        String data = "\"" + "y".repeat(300) + "\"";
        for (int i = 0; i < 20; i++) {
            bob.send("{\"type\":\"publish\",\"id\":\"" + i + "\",\"topic\":\"t\",\"data\":" + data + ",\"ack\":true}");
            bob.next("ack");
        }
        await(() -> hub.metrics().slowConsumersClosed() == 1, "closed as a slow consumer");
        JsonNode answer = json(get("/hub/poll?session=" + session + "&ack=1").body());
        JsonNode last = answer.get(answer.size() - 1);
        assertEquals("close", last.path("type").asText(), answer.toString());
        assertEquals(1013, last.path("code").asInt());
        assertEquals("slow consumer", last.path("reason").asText());
        assertTrue(answer.size() < 20, "the backlog was dropped: " + answer.size());
        HttpResponse<String> after = get("/hub/poll?session=" + session + "&ack=" + (1 + answer.size()));
        assertEquals(410, after.statusCode(), "a closed session, everything received");
    }

    @Test
    void messagesKeptForASessionCountInTheServersMemoryBudget() throws Exception {
        start(Hub.builder().inMemory().limits(HubLimits.builder().maxOutboundBytes(64L << 20).build()),
                WebSocketServer.builder().memoryBudget(256 << 10));
        HubClient bob = ws("name=bob");
        bob.next("welcome");
        String session = openPollSession("?name=alice");
        post(HTTP, "/hub/send?session=" + session, "{\"type\":\"subscribe\",\"topic\":\"t\"}");
        String data = "\"" + "z".repeat(8 << 10) + "\"";
        for (int i = 0; i < 40 && server.metrics().connectionsShed() == 0; i++) {
            bob.send("{\"type\":\"publish\",\"id\":\"" + i + "\",\"topic\":\"t\",\"data\":" + data + ",\"ack\":true}");
            bob.next("ack");
        }
        await(() -> server.metrics().connectionsShed() == 1, "the session was shed by the budget");
        JsonNode answer = json(get("/hub/poll?session=" + session + "&ack=1").body());
        JsonNode last = answer.get(answer.size() - 1);
        assertEquals("close", last.path("type").asText(), answer.toString());
        assertEquals(1013, last.path("code").asInt());
        assertEquals("server memory budget exceeded", last.path("reason").asText());
        assertTrue(server.metrics().bufferedBytes() < (64 << 10), "the backlog left the budget");
    }

    @Test
    void anSseStreamKeepsAResumeWindowOnlyForItsLast256KiB() throws Exception {
        start(Hub.builder().inMemory());
        HubClient bob = ws("name=bob");
        bob.next("welcome");
        SseHubClient sse = SseHubClient.connect(uri("/"), "name=alice");
        nodes.track(sse);
        String session = sse.next("welcome").path("session").asText();
        sse.send("{\"type\":\"subscribe\",\"topic\":\"t\"}");
        sse.next("subscribed");
        String early = sse.lastEventId(); // the subscribed: message 2
        String data = "\"" + "w".repeat(8 << 10) + "\"";
        for (int i = 0; i < 40; i++) { // 320 KiB written to the stream, never acknowledged
            bob.send("{\"type\":\"publish\",\"topic\":\"t\",\"data\":" + data + "}");
            sse.next("message");
        }
        long[] kept = hub.httpTransports().session(sse.transportSession()).keptIds();
        assertTrue(kept.length < 40 && kept[kept.length - 1] == 42, java.util.Arrays.toString(kept));
        String latest = sse.lastEventId();
        assertEquals(sse.transportSession() + ".42", latest);
        sse.drop();
        SseHubClient again = SseHubClient.connect(uri("/"), "name=alice&session=" + sse.transportSession() + "&ack=42");
        nodes.track(again);
        bob.send("{\"type\":\"publish\",\"topic\":\"t\",\"data\":43}");
        assertEquals("message", again.next().path("type").asText(), "resumed: no new welcome");
        again.drop();
        SseHubClient tooOld = SseHubClient.connect(uri("/"), "name=alice&session=" + early.substring(0, early.indexOf('.'))
                + "&ack=2");
        nodes.track(tooOld);
        JsonNode welcome = tooOld.next("welcome");
        assertTrue(!welcome.path("session").asText().equals(session), "a new session: the window no longer has 3..");
    }

    @Test
    void aNewerPollReplacesTheHeldOneAndPostsMayAcknowledgeAndPreflightsAreAnswered() throws Exception {
        start(Hub.builder().inMemory());
        String session = openPollSession("");
        var first = HTTP.sendAsync(HttpRequest.newBuilder(uri("/hub/poll?session=" + session + "&ack=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpSession s = hub.httpTransports().session(session);
        await(s::polling, "the first poll is held");
        var second = HTTP.sendAsync(HttpRequest.newBuilder(uri("/hub/poll?session=" + session + "&ack=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(409, first.get(10, TimeUnit.SECONDS).statusCode());
        assertEquals(204, post(HTTP, "/hub/send?session=" + session, "{\"type\":\"ping\",\"id\":\"a\"}").statusCode());
        HttpResponse<String> pong = second.get(10, TimeUnit.SECONDS);
        assertEquals("pong", json(pong.body()).get(0).path("type").asText());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {2}, s.keptIds(),
                "the pong (message 2) is kept until acknowledged");
        assertEquals(204, post(HTTP, "/hub/send?session=" + session + "&ack=2", "").statusCode());
        assertEquals(0, s.keptIds().length, "an empty POST with ack acknowledges");

        String origin = "http://elsewhere.example";
        HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(uri("/hub/send?session=" + session))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, preflight.statusCode());
        assertEquals(origin, preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("POST", preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
        assertEquals(405, get("/hub/send?session=" + session).statusCode());
    }

    @Test
    void aHeldPollIsAnsweredEmptyAfterThePollTimeoutAndStreamsGetHeartbeats() throws Exception {
        start(Hub.builder().inMemory().httpTimings(Duration.ofMillis(300), Duration.ofMillis(100)));
        String session = openPollSession("");
        long started = System.nanoTime();
        HttpResponse<String> empty = get("/hub/poll?session=" + session + "&ack=1");
        assertEquals(200, empty.statusCode());
        assertEquals("[]", empty.body());
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(250), "held for the poll timeout");
        SseHubClient sse = SseHubClient.connect(uri("/"), "");
        nodes.track(sse);
        sse.next("welcome");
        int before = sse.comments.get();
        await(() -> sse.comments.get() >= before + 3, "heartbeat comments on a quiet stream");
    }

    @Test
    void requestsOfOneSessionMayArriveOnAnyLoopAndConnection() throws Exception {
        start(Hub.builder().inMemory());
        SseHubClient sse = SseHubClient.connect(uri("/"), "name=roamer");
        nodes.track(sse);
        sse.next("welcome");
        for (int i = 0; i < 6; i++) { // a new client each time: a new TCP connection, given to the loops in turn
            HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            assertEquals(204, post(fresh, "/hub/send?session=" + sse.transportSession(),
                    "{\"type\":\"ping\",\"id\":\"" + i + "\"}").statusCode());
            assertEquals(String.valueOf(i), sse.next("pong").path("id").asText());
        }
    }

    @Test
    void aClosedSseSessionAnswers204SoEventSourceStopsAndAnExpiredOneStartsAgain() throws Exception {
        start(Hub.builder().inMemory().httpTransports(true, 10, Duration.ofMillis(300))
                .limits(HubLimits.builder().maxErrorBurst(1).build()));
        SseHubClient sse = SseHubClient.connect(uri("/"), "name=a");
        nodes.track(sse);
        String first = sse.next("welcome").path("session").asText();
        sse.send("[{\"type\":\"nope\"},{\"type\":\"nope\"},{\"type\":\"nope\"}]");
        sse.next("error");
        sse.next("error"); // the one past the burst: the close follows it, the third request is not handled
        assertEquals(1008, sse.next("close").path("code").asInt());
        HttpResponse<String> again = get("/hub/sse", "Last-Event-ID", sse.lastEventId());
        assertEquals(204, again.statusCode());
        // once it expired, the same Last-Event-ID opens a new session: a new welcome, as after a reconnect
        await(() -> hub.httpTransports().sessionCount() == 0, "the closed session expired");
        sse.reconnect();
        JsonNode welcome = sse.next("welcome");
        assertTrue(!welcome.path("session").asText().equals(first), "a new session");
    }
}
