package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.net.WebSocketServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same hub conversation over WebSocket, Server-Sent Events and long polling: subscribe with resume and a gap,
 * publish with ack, presence, ping, an error, and a batch of requests. Every transport must see the same messages
 * (session ids and timestamps aside), and a stream or poll answer lost on the way is sent again without a hole or
 * a duplicate.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HubTransportsTest {
    @RegisterExtension
    final HubNodes nodes = new HubNodes();
    private Hub hub;
    private WebSocketServer server;

    private void start(Hub.Builder b) throws Exception {
        hub = nodes.node(b, WebSocketServer.builder().eventLoops(2));
        server = nodes.server(0);
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.port() + "/");
    }

    private HubClient ws(String query) throws Exception {
        return nodes.track(HubClient.of(JdkHubClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hub?"
                + query))));
    }

    private HubClient client(String transport, String query) throws Exception {
        HubClient c = switch (transport) {
            case "ws" -> ws(query);
            case "sse" -> SseHubClient.connect(base(), query);
            case "longpoll" -> PollHubClient.connect(base(), query);
            default -> throw new IllegalArgumentException(transport);
        };
        return nodes.track(c);
    }

    /** The conversation every transport must carry the same way (what alice receives, normalized). */
    private static final List<String> TRANSCRIPT = List.of(
            "{\"type\":\"welcome\",\"session\":\"<alice>\",\"name\":\"alice\",\"server\":\"duplex/0.1.0\","
                    + "\"limits\":{\"maxMessageBytes\":65536,\"publishPerSecond\":50,\"publishBurst\":100,"
                    + "\"requestsPerSecond\":200,\"maxTopics\":32}}",
            "{\"type\":\"subscribed\",\"id\":\"s1\",\"topic\":\"room\",\"seq\":5,\"memberCount\":2,"
                    + "\"members\":[{\"session\":\"<alice>\",\"name\":\"alice\"},{\"session\":\"<bob>\",\"name\":\"bob\"}]}",
            "{\"type\":\"gap\",\"topic\":\"room\",\"from\":1,\"to\":2}",
            "{\"type\":\"message\",\"topic\":\"room\",\"seq\":3,\"from\":{\"session\":\"<bob>\",\"name\":\"bob\"},\"data\":{\"n\":3},\"replay\":true}",
            "{\"type\":\"message\",\"topic\":\"room\",\"seq\":4,\"from\":{\"session\":\"<bob>\",\"name\":\"bob\"},\"data\":{\"n\":4},\"replay\":true}",
            "{\"type\":\"message\",\"topic\":\"room\",\"seq\":5,\"from\":{\"session\":\"<bob>\",\"name\":\"bob\"},\"data\":{\"n\":5},\"replay\":true}",
            "{\"type\":\"ack\",\"id\":\"p1\",\"topic\":\"room\",\"seq\":6}",
            "{\"type\":\"message\",\"topic\":\"room\",\"seq\":6,\"from\":{\"session\":\"<alice>\",\"name\":\"alice\"},\"data\":{\"text\":\"hi bob\"}}",
            "{\"type\":\"message\",\"topic\":\"room\",\"seq\":7,\"from\":{\"session\":\"<bob>\",\"name\":\"bob\"},\"data\":{\"text\":\"hi alice\"}}",
            "{\"type\":\"leave\",\"topic\":\"room\",\"member\":{\"session\":\"<bob>\",\"name\":\"bob\"}}",
            "{\"type\":\"pong\",\"id\":\"h1\"}",
            "{\"type\":\"error\",\"id\":\"bad\",\"code\":\"invalid_topic\",\"message\":\"topic names are 1-64 characters of A-Z a-z 0-9 . _ : - and do not start with '.'\"}",
            "{\"type\":\"unsubscribed\",\"id\":\"u1\",\"topic\":\"room\"}");

    @ParameterizedTest
    @ValueSource(strings = {"ws", "sse", "longpoll"})
    void theSameConversationOverEveryTransport(String transport) throws Exception {
        start(Hub.builder().inMemory().history(3, Duration.ofHours(1)));
        HubClient bob = ws("name=bob");
        JsonNode bobWelcome = bob.next("welcome");
        bob.send("{\"type\":\"subscribe\",\"id\":\"b\",\"topic\":\"room\"}");
        bob.next("subscribed");
        for (int n = 1; n <= 5; n++) {
            bob.send("{\"type\":\"publish\",\"id\":\"b" + n + "\",\"topic\":\"room\",\"data\":{\"n\":" + n + "},\"ack\":true}");
            bob.next("ack");
            bob.next("message");
        }

        HubClient alice = client(transport, "name=alice");
        JsonNode welcome = alice.next("welcome");
        if (!transport.equals("ws")) {
            assertEquals(transport, welcome.path("transport").asText());
            assertTrue(welcome.path("transportSession").asText().length() >= 20, welcome.toString());
        }
        List<JsonNode> got = new ArrayList<>(List.of(welcome));
        alice.send("{\"type\":\"subscribe\",\"id\":\"s1\",\"topic\":\"room\",\"since\":0}");
        for (int i = 0; i < 5; i++) {
            got.add(alice.next());
        }
        JsonNode join = bob.next("join");
        assertEquals("alice", join.path("member").path("name").asText());
        alice.send("{\"type\":\"publish\",\"id\":\"p1\",\"topic\":\"room\",\"data\":{\"text\":\"hi bob\"},\"ack\":true}");
        got.add(alice.next());
        got.add(alice.next());
        assertEquals("hi bob", bob.next("message").path("data").path("text").asText());
        bob.send("{\"type\":\"publish\",\"topic\":\"room\",\"data\":{\"text\":\"hi alice\"}}");
        got.add(alice.next());
        bob.next("message");
        bob.send("{\"type\":\"unsubscribe\",\"topic\":\"room\"}");
        bob.next("unsubscribed");
        got.add(alice.next());
        if (transport.equals("ws")) {
            alice.send("{\"type\":\"ping\",\"id\":\"h1\"}");
            alice.send("{\"type\":\"publish\",\"id\":\"bad\",\"topic\":\"Bad!\",\"data\":1}");
            alice.send("{\"type\":\"unsubscribe\",\"id\":\"u1\",\"topic\":\"room\"}");
        } else { // the three in one POST, in order
            alice.send("[{\"type\":\"ping\",\"id\":\"h1\"},{\"type\":\"publish\",\"id\":\"bad\",\"topic\":\"Bad!\",\"data\":1},"
                    + "{\"type\":\"unsubscribe\",\"id\":\"u1\",\"topic\":\"room\"}]");
        }
        for (int i = 0; i < 3; i++) {
            got.add(alice.next());
        }
        Map<String, String> names = new HashMap<>();
        names.put(welcome.path("session").asText(), "<alice>");
        names.put(bobWelcome.path("session").asText(), "<bob>");
        List<String> normalized = new ArrayList<>();
        for (JsonNode n : got) {
            normalized.add(normalize(n, names));
        }
        assertEquals(TRANSCRIPT, normalized);
        assertTrue(alice.received().isEmpty(), "nothing more: " + alice.received());
    }

    /** Drops timestamps and the transport fields of the welcome, and names the session ids. */
    private static String normalize(JsonNode n, Map<String, String> names) {
        ObjectNode o = n.deepCopy();
        o.remove("ts");
        o.remove("transport");
        o.remove("transportSession");
        rename(o, names);
        if (o.has("members")) { // a hash set in the hub: its order means nothing
            List<JsonNode> members = new ArrayList<>();
            o.get("members").forEach(members::add);
            members.sort(java.util.Comparator.comparing(m -> m.path("name").asText()));
            o.putArray("members").addAll(members);
        }
        return o.toString();
    }

    private static void rename(JsonNode n, Map<String, String> names) {
        if (n instanceof ObjectNode o) {
            JsonNode s = o.get("session");
            if (s != null && s.isTextual() && names.containsKey(s.asText())) {
                o.put("session", names.get(s.asText()));
            }
            o.forEach(child -> rename(child, names));
        } else if (n.isArray()) {
            n.forEach(child -> rename(child, names));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "longpoll"})
    void streamsAndAnswersLostWhilePublishesRaceAreResentExactlyOnce(String transport) throws Exception {
        start(Hub.builder().inMemory().limits(HubLimits.builder().publishRate(2000, 2000).requestRate(2000, 2000).build()));
        HubClient alice = client(transport, "name=alice");
        alice.next("welcome");
        alice.send("{\"type\":\"subscribe\",\"topic\":\"race\"}");
        alice.next("subscribed");
        int total = 300;
        Thread publisher = new Thread(() -> {
            for (int i = 1; i <= total; i++) {
                hub.publish("race", Integer.toString(i)).join();
            }
        });
        publisher.start();
        int expected = 1;
        int cuts = 0;
        while (expected <= total) {
            JsonNode m = alice.next("message");
            assertEquals(expected, m.path("seq").asLong(), "in order, once: " + m);
            expected++;
            if (expected % 60 == 0) { // cut the transport now and then, while messages are on their way
                cuts++;
                if (alice instanceof SseHubClient sse) {
                    sse.drop();
                    sse.reconnect();
                } else {
                    ((PollHubClient) alice).loseNext();
                }
            }
        }
        publisher.join(10_000);
        assertEquals(5, cuts);
        assertTrue(alice.received().poll(300, TimeUnit.MILLISECONDS) == null, "nothing twice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "longpoll"})
    void aLostStreamOrAnswerIsSentAgainWithoutHoleOrDuplicate(String transport) throws Exception {
        start(Hub.builder().inMemory());
        HubClient bob = ws("name=bob");
        bob.next("welcome");
        HubClient alice = client(transport, "name=alice");
        alice.next("welcome");
        alice.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"t\"}");
        alice.next("subscribed");
        bob.send("{\"type\":\"publish\",\"topic\":\"t\",\"data\":1}");
        assertEquals(1, alice.next("message").path("seq").asLong());

        if (alice instanceof SseHubClient sse) {
            String before = sse.lastEventId();
            sse.drop();
            for (int i = 2; i <= 6; i++) { // while no stream is attached
                bob.send("{\"type\":\"publish\",\"id\":\"x\",\"topic\":\"t\",\"data\":" + i + ",\"ack\":true}");
                bob.next("ack");
            }
            sse.reconnect();
            assertTrue(before.startsWith(sse.transportSession() + "."), before);
            assertEquals(2000, sse.retryMillis);
        } else {
            PollHubClient poll = (PollHubClient) alice;
            poll.loseNext();
            for (int i = 2; i <= 6; i++) {
                bob.send("{\"type\":\"publish\",\"id\":\"x\",\"topic\":\"t\",\"data\":" + i + ",\"ack\":true}");
                bob.next("ack");
            }
        }
        for (int seq = 2; seq <= 6; seq++) {
            JsonNode m = alice.next();
            assertEquals("message", m.path("type").asText(), m.toString());
            assertEquals(seq, m.path("seq").asLong(), "in order, once: " + m);
        }
        bob.send("{\"type\":\"publish\",\"topic\":\"t\",\"data\":7}");
        assertEquals(7, alice.next("message").path("seq").asLong());
        assertTrue(alice.received().poll(300, TimeUnit.MILLISECONDS) == null, "no duplicate, no second welcome");
    }
}
