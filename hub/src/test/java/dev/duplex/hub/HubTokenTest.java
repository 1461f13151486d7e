package dev.duplex.hub;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.duplex.net.MessageEvent;
import dev.duplex.net.WebSocket;
import dev.duplex.net.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Token expiry on open connections (closed with 4001 once {@code exp} passes), tokens required to carry
 * {@code exp}, and tokens on the raw endpoints.
 */
class HubTokenTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-test-only".getBytes(StandardCharsets.UTF_8);

    private final MutableClock clock = new MutableClock();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private WebSocketServer server;

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception ignored) {
                // closed by the test already
            }
        }
    }

    private Hub logicHub() {
        Hub hub = Hub.builder().inMemory().clock(clock).pruneInterval(Duration.ofMillis(10)).fanout(Fanout.DIRECT)
                .build();
        resources.add(hub);
        return hub;
    }

    private Identity expiringIn(Duration d) {
        return new Identity("temp", Rights.ALL, clock.millis() + d.toMillis());
    }

    @Test
    void anOpenConnectionIsClosedWith4001WhenItsTokenExpires() throws Exception {
        Hub hub = logicHub();
        FakePeer watcher = new FakePeer(hub, "watcher");
        watcher.request("{\"type\":\"subscribe\",\"topic\":\"room\"}");
        watcher.next("subscribed");
        FakePeer temp = new FakePeer(hub, expiringIn(Duration.ofSeconds(60)));
        temp.request("{\"type\":\"subscribe\",\"topic\":\"room\"}");
        temp.next("subscribed");
        watcher.next("join");
        temp.request("{\"type\":\"publish\",\"topic\":\"room\",\"data\":1,\"ack\":true}");
        assertEquals(1, temp.next("ack").get("seq").asLong());
        clock.advance(Duration.ofSeconds(61));
        assertEquals(4001, temp.closed.get(10, TimeUnit.SECONDS)); // by the writer's tick, no request needed
        assertEquals("token expired", last(temp).get("reason").asText());
        assertEquals(1, watcher.next("message").get("seq").asLong());
        assertEquals("temp", watcher.next("leave").at("/member/name").asText());
        assertEquals(1, hub.metrics().tokenExpiriesClosed());
    }

    @Test
    void aRequestAfterExpiryIsNotHandledAndCloses() throws Exception {
        Hub hub = logicHub();
        FakePeer watcher = new FakePeer(hub, "watcher");
        watcher.request("{\"type\":\"subscribe\",\"topic\":\"room\"}");
        watcher.next("subscribed");
        // a connection the tick has not reached yet: its expiry is checked on every request too
        FakePeer temp = new FakePeer(hub, new Identity("temp", Rights.ALL, clock.millis() - 1));
        temp.request("{\"type\":\"publish\",\"topic\":\"room\",\"data\":1,\"ack\":true}");
        assertEquals(4001, temp.closed.get(10, TimeUnit.SECONDS));
        assertEquals("close", temp.next().get("type").asText()); // no ack: the publish was not taken
        hub.publish("room", "2").get(10, TimeUnit.SECONDS);
        assertEquals(1, watcher.next("message").get("seq").asLong());
        assertEquals(1, hub.metrics().published());
    }

    @Test
    void aConnectionThatLeftBeforeItsExpiryIsForgotten() throws Exception {
        Hub hub = logicHub();
        FakePeer temp = new FakePeer(hub, expiringIn(Duration.ofSeconds(60)));
        temp.disconnect();
        FakePeer other = new FakePeer(hub, expiringIn(Duration.ofSeconds(120)));
        clock.advance(Duration.ofSeconds(61));
        hub.publish("barrier", "1").get(10, TimeUnit.SECONDS);
        clock.advance(Duration.ofSeconds(60));
        assertEquals(4001, other.closed.get(10, TimeUnit.SECONDS));
        assertFalse(temp.closed.isDone());
        assertEquals(1, hub.metrics().tokenExpiriesClosed());
    }

    // ------------------------------------------------------------------------------------------ over the wire

    private void start(Hub.Builder builder) throws Exception {
        Hub hub = builder.build();
        resources.add(hub);
        server = hub.startServer(WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1));
        resources.add(server::stop);
    }

    private JdkHubClient jdk(String pathAndQuery) throws Exception {
        JdkHubClient c = JdkHubClient.connect(URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery));
        resources.add(c);
        return c;
    }

    private static String token(Instant exp) {
        var jwt = JWT.create().withClaim("name", "carol").withArrayClaim("subscribe", new String[] {"*"})
                .withArrayClaim("publish", new String[] {"*"});
        if (exp != null) {
            jwt.withExpiresAt(exp);
        }
        return jwt.sign(Algorithm.HMAC256(SECRET));
    }

    private int refused(String pathAndQuery) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> jdk(pathAndQuery));
        return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode();
    }

    @Test
    void overTheWireAnExpiredTokenClosesTheConnectionWith4001() throws Exception {
        Hub.Builder b = Hub.builder().inMemory().tokenSecret(SECRET).tokenLeeway(Duration.ZERO)
                .pruneInterval(Duration.ofMillis(20));
        start(b);
        JdkHubClient c = jdk("/hub?token=" + token(Instant.now().plusSeconds(3)));
        c.next("welcome");
        c.send("{\"type\":\"subscribe\",\"topic\":\"t\"}");
        c.next("subscribed");
        assertEquals(4001, c.closed.get(10, TimeUnit.SECONDS));
        JdkHubClient noExp = jdk("/hub?token=" + token(null)); // exp is not required by default
        noExp.next("welcome");
    }

    @Test
    void requireTokenExpRefusesTokensWithoutOne() throws Exception {
        start(Hub.builder().inMemory().tokenSecret(SECRET).requireTokenExp(true));
        assertEquals(401, refused("/hub?token=" + token(null)));
        jdk("/hub?token=" + token(Instant.now().plusSeconds(600))).next("welcome");
    }

    @Test
    void withATokenSecretTheRawEndpointsNeedATokenToo() throws Exception {
        start(Hub.builder().inMemory().tokenSecret(SECRET));
        assertEquals(401, refused("/echo"));
        assertEquals(401, refused("/broadcast/prices"));
        assertEquals(401, refused("/broadcast"));
        String forged = JWT.create().sign(Algorithm.HMAC256("another-secret-another-secret-12"));
        assertEquals(401, refused("/echo?token=" + forged));
        String token = token(Instant.now().plusSeconds(600));
        assertEquals(404, refused("/broadcast/no%20spaces?token=" + token));

        URI base = URI.create("ws://127.0.0.1:" + server.port());
        for (String path : List.of("/echo", "/broadcast/prices")) {
            BlockingQueue<MessageEvent> got = new LinkedBlockingQueue<>();
            WebSocket ws = WebSocket.builder(base.resolve(path + "?token=" + token)).onMessage(got::add).connect();
            resources.add(ws::close);
            ws.whenOpen().get(10, TimeUnit.SECONDS);
            ws.send("hello " + path);
            assertEquals("hello " + path, got.poll(10, TimeUnit.SECONDS).text());
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode last(FakePeer p) {
        com.fasterxml.jackson.databind.JsonNode n;
        com.fasterxml.jackson.databind.JsonNode last = null;
        while ((n = p.received.poll()) != null) {
            last = n;
        }
        return last;
    }
}
