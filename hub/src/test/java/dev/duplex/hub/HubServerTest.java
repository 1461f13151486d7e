package dev.duplex.hub;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.net.MessageEvent;
import dev.duplex.net.WebSocket;
import dev.duplex.net.WebSocketServer;
import dev.duplex.testkit.PeerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub end to end on a real server at 127.0.0.1: JDK client, duplex's own client and Python websockets. */
class HubServerTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-test-only".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path data;
    private Hub hub;
    private WebSocketServer server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    private void start(Hub.Builder builder) throws Exception {
        hub = builder.build();
        server = hub.startServer(WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2));
    }

    private URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private JdkHubClient jdk(String pathAndQuery) throws Exception {
        JdkHubClient c = JdkHubClient.connect(uri(pathAndQuery));
        clients.add(c);
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already closed by the test
            }
        }
        if (server != null) {
            server.stop();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void subscribePublishAckAndPresenceOverTheWire() throws Exception {
        start(Hub.builder().dataDirectory(data));
        JdkHubClient alice = jdk("/hub?name=Alice%20A");
        JdkHubClient bob = jdk("/hub?name=bob");
        assertEquals("Alice A", alice.next("welcome").get("name").asText());
        String bobSession = bob.next("welcome").get("session").asText();

        alice.send("{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"lobby\"}");
        alice.next("subscribed");
        bob.send("{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"lobby\"}");
        assertEquals(2, bob.next("subscribed").get("memberCount").asInt());
        assertEquals(bobSession, alice.next("join").at("/member/session").asText());

        bob.send("{\"type\":\"publish\",\"id\":\"p\",\"topic\":\"lobby\",\"data\":{\"text\":\"héllo ✓\"},\"ack\":true}");
        assertEquals(1, bob.next("ack").get("seq").asLong());
        JsonNode own = bob.next("message");
        JsonNode m = alice.next("message");
        assertEquals(own, m);
        assertEquals("héllo ✓", m.at("/data/text").asText());
        assertEquals("bob", m.at("/from/name").asText());

        bob.close();
        JsonNode leave = alice.next("leave");
        assertEquals(bobSession, leave.at("/member/session").asText());
        assertEquals(1, hub.metrics().connections());
    }

    @Test
    void resumeAfterADisconnectGetsExactlyTheMissedMessagesWhilePublishesRace() throws Exception {
        start(Hub.builder().dataDirectory(data).history(10_000, Duration.ofHours(1)));
        JdkHubClient first = jdk("/hub");
        first.next("welcome");
        first.send("{\"type\":\"subscribe\",\"topic\":\"feed\"}");
        first.next("subscribed");
        for (int i = 1; i <= 50; i++) {
            hub.publish("feed", "{\"i\":" + i + "}");
        }
        long lastSeen = 0;
        for (int i = 1; i <= 50; i++) {
            lastSeen = first.next("message").get("seq").asLong();
        }
        first.close();
        for (int i = 51; i <= 2_000; i++) {
            hub.publish("feed", "{\"i\":" + i + ",\"pad\":\"" + "y".repeat(300) + "\"}");
        }
        Thread racer = new Thread(() -> {
            for (int i = 2_001; i <= 4_000; i++) {
                hub.publish("feed", "{\"i\":" + i + "}");
            }
        });
        JdkHubClient again = jdk("/hub");
        again.next("welcome");
        racer.start();
        again.send("{\"type\":\"subscribe\",\"topic\":\"feed\",\"since\":" + lastSeen + "}");
        again.next("subscribed");
        for (long seq = lastSeen + 1; seq <= 4_000; seq++) {
            JsonNode n = again.next("message");
            assertEquals(seq, n.get("seq").asLong());
            assertEquals(seq, n.at("/data/i").asLong());
        }
        racer.join(10_000);
        again.send("{\"type\":\"ping\",\"id\":\"end\"}");
        assertEquals("end", again.next("pong").get("id").asText());
    }

    @Test
    void tokensAreCheckedAtTheHandshakeAndGiveRights() throws Exception {
        start(Hub.builder().inMemory().tokenSecret(SECRET));
        ExecutionException noToken = assertThrows(ExecutionException.class, () -> jdk("/hub?name=x"));
        assertEquals(401, handshakeStatus(noToken));
        String forged = JWT.create().withClaim("name", "mallory").sign(Algorithm.HMAC256("another-secret-another-secret-12"));
        assertEquals(401, handshakeStatus(assertThrows(ExecutionException.class, () -> jdk("/hub?token=" + forged))));
        String expired = JWT.create().withExpiresAt(Instant.now().minusSeconds(600)).sign(Algorithm.HMAC256(SECRET));
        assertEquals(401, handshakeStatus(assertThrows(ExecutionException.class, () -> jdk("/hub?token=" + expired))));

        String token = JWT.create().withClaim("name", "carol")
                .withArrayClaim("publish", new String[] {"chat.*"})
                .withArrayClaim("subscribe", new String[] {"*"})
                .withExpiresAt(Instant.now().plusSeconds(600))
                .sign(Algorithm.HMAC256(SECRET));
        JdkHubClient carol = jdk("/hub?name=ignored&token=" + token);
        assertEquals("carol", carol.next("welcome").get("name").asText());
        carol.send("{\"type\":\"publish\",\"id\":\"1\",\"topic\":\"news\",\"data\":1}");
        assertEquals("forbidden", carol.next("error").get("code").asText());
        carol.send("{\"type\":\"subscribe\",\"topic\":\"chat.room\"}");
        carol.next("subscribed");
        carol.send("{\"type\":\"publish\",\"id\":\"2\",\"topic\":\"chat.room\",\"data\":1,\"ack\":true}");
        carol.next("ack");
        carol.next("message");
    }

    private static int handshakeStatus(ExecutionException e) {
        WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        return h.getResponse().statusCode();
    }

    @Test
    void echoSendsEveryMessageBackAsItCame() throws Exception {
        start(Hub.builder().inMemory());
        BlockingQueue<MessageEvent> got = new LinkedBlockingQueue<>();
        WebSocket ws = WebSocket.builder(uri("/echo")).onMessage(got::add).connect();
        ws.whenOpen().get(10, TimeUnit.SECONDS);
        byte[] binary = new byte[70_000 / 2];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        ws.send("plain ✓ text");
        ws.send(binary);
        ws.send("");
        MessageEvent t = got.poll(10, TimeUnit.SECONDS);
        assertTrue(t.isText());
        assertEquals("plain ✓ text", t.text());
        MessageEvent b = got.poll(10, TimeUnit.SECONDS);
        assertNotNull(b);
        assertEquals(false, b.isText());
        assertArrayEquals(binary, bytes(b.binary()));
        assertEquals("", got.poll(10, TimeUnit.SECONDS).text());
        ws.send(new byte[70_000]); // above maxMessageBytes (64 KiB)
        assertEquals(1009, ws.whenClosed().get(10, TimeUnit.SECONDS).code());
    }

    @Test
    void broadcastGoesToEveryoneOnTheTopicByteForByte() throws Exception {
        start(Hub.builder().inMemory());
        List<BlockingQueue<MessageEvent>> queues = new ArrayList<>();
        List<WebSocket> sockets = new ArrayList<>();
        for (String path : List.of("/broadcast/prices", "/broadcast/prices", "/broadcast/other", "/broadcast")) {
            BlockingQueue<MessageEvent> q = new LinkedBlockingQueue<>();
            WebSocket ws = WebSocket.builder(uri(path)).onMessage(q::add).connect();
            ws.whenOpen().get(10, TimeUnit.SECONDS);
            queues.add(q);
            sockets.add(ws);
        }
        waitFor(() -> hub.broadcastEndpoint().members("prices") == 2);
        byte[] binary = {0, 1, 2, (byte) 0xff, (byte) 0x80, 10};
        sockets.get(0).send(binary);
        sockets.get(0).send("tick ✓");
        for (int i : new int[] {0, 1}) {
            MessageEvent b = queues.get(i).poll(10, TimeUnit.SECONDS);
            assertArrayEquals(binary, bytes(b.binary()));
            assertEquals("tick ✓", queues.get(i).poll(10, TimeUnit.SECONDS).text());
        }
        sockets.get(3).send("to default");
        assertEquals("to default", queues.get(3).poll(10, TimeUnit.SECONDS).text());
        sockets.get(2).send("only other");
        assertEquals("only other", queues.get(2).poll(10, TimeUnit.SECONDS).text());
        // nothing leaked across topics: the only messages on "other" and "default" were their own
        assertNull(queues.get(2).poll());
        assertNull(queues.get(3).poll());
        assertNull(queues.get(0).poll());

        ExecutionException bad = assertThrows(ExecutionException.class,
                () -> jdk("/broadcast/no%20spaces"));
        assertEquals(404, handshakeStatus(bad));
        sockets.forEach(WebSocket::close);
    }

    @Test
    void aPythonWebsocketsClientTalksTheHubProtocol() throws Exception {
        start(Hub.builder().inMemory());
        try (PeerProcess py = PeerProcess.pythonClient(uri("/hub?name=py"), "--no-deflate",
                "text {\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"py\"}",
                "wait 2",
                "text {\"type\":\"publish\",\"id\":\"p\",\"topic\":\"py\",\"data\":[1,\"two\"],\"ack\":true}",
                "wait 4",
                "close 1000")) {
            List<JsonNode> messages = new ArrayList<>();
            while (messages.size() < 4) {
                Map<String, Object> event = py.readJson(Duration.ofSeconds(20));
                if ("message".equals(event.get("event"))) {
                    messages.add(FakePeer.JSON.readTree((String) event.get("data")));
                }
            }
            assertEquals(List.of("welcome", "subscribed", "ack", "message"),
                    messages.stream().map(n -> n.get("type").asText()).toList());
            assertEquals("py", messages.get(0).get("name").asText());
            assertEquals("[1,\"two\"]", messages.get(3).get("data").toString());
            assertEquals(0, py.waitForExit(Duration.ofSeconds(20)), py::stderr);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }

    @SuppressWarnings("unused")
    private static String hex(byte[] b) {
        return Arrays.toString(b);
    }
}
