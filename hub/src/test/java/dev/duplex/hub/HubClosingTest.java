package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.net.WebSocket;
import dev.duplex.net.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection closed for too many errors gets, before the close, the ack of every publish that was committed,
 * and subscribers see each committed message once: against the hub logic and over real sockets.
 */
class HubClosingTest {
    private static final int PUBLISHES = 130;

    private final List<AutoCloseable> resources = new ArrayList<>();

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

    private static String publish(int i) {
        return "{\"type\":\"publish\",\"id\":\"" + i + "\",\"topic\":\"burst\",\"data\":" + i + ",\"ack\":true}";
    }

    @Test
    void anErrorBurstClosesAfterTheAcksOfEverythingCommitted() throws Exception {
        // the report's burst (100 publishes, 20 errors) with a refill of 1/s: a loaded machine cannot change the outcome
        Hub hub = Hub.builder().inMemory().limits(HubLimits.builder().publishRate(1, 100).build())
                .fanout(Fanout.DIRECT).build();
        resources.add(hub);
        FakePeer subscriber = new FakePeer(hub, "sub");
        subscriber.request("{\"type\":\"subscribe\",\"topic\":\"burst\"}");
        subscriber.next("subscribed");
        FakePeer publisher = new FakePeer(hub, "pub");
        for (int i = 1; i <= PUBLISHES; i++) {
            publisher.request(publish(i)); // 100 taken, then 21 errors and the close; the rest ignored
        }
        assertEquals(1008, publisher.closed.get(10, TimeUnit.SECONDS));
        Outcome o = Outcome.read(publisher::next);
        assertTrue(o.acked.size() >= 100, o.toString());
        assertTrue(o.rateLimited >= 21 && o.acked.size() + o.rateLimited <= PUBLISHES, o.toString());
        for (int i = 0; i < o.acked.size(); i++) {
            assertEquals(i + 1, o.acked.get(i));
        }
        assertEquals(o.acked.size(), hub.metrics().published());
        for (long seq = 1; seq <= o.acked.size(); seq++) {
            assertEquals(seq, subscriber.next("message").get("seq").asLong());
        }
        subscriber.expectNothingMore();
    }

    @Test
    void aConnectionIsClosedForErrorsEvenWhenTheStoreIsUnavailable() throws Exception {
        Hub hub = Hub.builder().store(new ForwardingStore(new MemoryMessageStore(10)) {
            @Override
            public void open() {
                throw new HubException("internal", "disk on fire");
            }
        }).errorHandler(e -> { }).build();
        resources.add(hub);
        assertThrows(java.util.concurrent.ExecutionException.class, () -> hub.ready().get(10, TimeUnit.SECONDS));
        FakePeer p = new FakePeer(hub, "p");
        for (int i = 0; i < 25; i++) {
            p.request("{\"type\":\"subscribe\",\"topic\":\"t" + i + "\"}");
        }
        assertEquals(1008, p.closed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void overTheWireEveryCommittedPublishIsAckedBeforeThe1008AndDeliveredOnce() throws Exception {
        Hub hub = Hub.builder().inMemory().build();
        resources.add(hub);
        WebSocketServer server = hub.startServer(WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2));
        resources.add(server::stop);
        URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/hub");
        JdkHubClient subscriber = JdkHubClient.connect(uri);
        resources.add(subscriber);
        subscriber.next("welcome");
        subscriber.send("{\"type\":\"subscribe\",\"topic\":\"burst\"}");
        subscriber.next("subscribed");
        // duplex's client: send() queues and returns, so the publishes leave back to back, as in the report
        BlockingQueue<JsonNode> got = new LinkedBlockingQueue<>();
        WebSocket publisher = WebSocket.builder(uri)
                .onMessage(m -> got.add(parse(m.text())))
                .onClose(c -> got.add(FakePeer.JSON.createObjectNode().put("type", "close").put("code", c.code())))
                .connect();
        resources.add(publisher::close);
        publisher.whenOpen().get(10, TimeUnit.SECONDS);
        assertEquals("welcome", got.poll(10, TimeUnit.SECONDS).get("type").asText());
        int sent = 0;
        while (sent < PUBLISHES && publisher.send(publish(sent + 1))) {
            sent++;
        }
        // on a loaded machine the buckets may refill enough that 130 do not reach 21 errors: keep going until the close
        while (!publisher.whenClosed().isDone() && sent < 2_000) {
            try {
                publisher.whenClosed().get(100, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException notYet) {
                for (int i = 0; i < 50 && publisher.send(publish(sent + 1)); i++) {
                    sent++;
                }
            }
        }
        assertEquals(1008, publisher.whenClosed().get(10, TimeUnit.SECONDS).code());
        // events come in order on one thread: the close marker follows every message received before it
        Outcome o = Outcome.read(() -> got.poll(10, TimeUnit.SECONDS));
        assertTrue(o.acked.size() >= 100, o.toString());
        assertTrue(o.rateLimited >= 21 && o.acked.size() + o.rateLimited <= sent, o + " of " + sent);
        for (int i = 0; i < o.acked.size(); i++) {
            assertEquals(i + 1, o.acked.get(i), o.toString());
        }
        assertEquals(o.acked.size(), hub.metrics().published());
        for (long seq = 1; seq <= o.acked.size(); seq++) {
            assertEquals(seq, subscriber.next("message").get("seq").asLong());
        }
        subscriber.send("{\"type\":\"ping\",\"id\":\"end\"}");
        assertEquals("end", subscriber.next("pong").get("id").asText()); // nothing was delivered twice
    }

    private static JsonNode parse(String text) {
        try {
            return FakePeer.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What a closed publisher received: the acks' seqs in order and the number of rate_limited errors. */
    private record Outcome(List<Long> acked, int rateLimited) {
        interface Source {
            JsonNode next() throws Exception;
        }

        static Outcome read(Source source) throws Exception {
            List<Long> acked = new ArrayList<>();
            int rateLimited = 0;
            for (JsonNode n; (n = source.next()) != null; ) {
                String type = n.path("type").asText();
                if (type.equals("close")) {
                    break;
                } else if (type.equals("ack")) {
                    acked.add(n.get("seq").asLong());
                } else if (type.equals("error") && n.path("code").asText().equals("rate_limited")) {
                    rateLimited++;
                } else {
                    throw new AssertionError("unexpected " + n);
                }
            }
            return new Outcome(acked, rateLimited);
        }
    }
}
