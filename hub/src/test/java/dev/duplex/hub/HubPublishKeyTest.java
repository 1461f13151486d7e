package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idempotent publish ({@code "key"}) on a single node: duplicates are acked with the first seq and stored once. */
class HubPublishKeyTest {
    private final List<Hub> hubs = new ArrayList<>();
    private final MutableClock clock = new MutableClock();

    private Hub hub(Hub.Builder builder) {
        Hub hub = builder.history(1000, Duration.ofHours(1)).clock(clock).fanout(Fanout.DIRECT).build();
        hubs.add(hub);
        return hub;
    }

    private Hub hub() {
        return hub(Hub.builder().inMemory());
    }

    @AfterEach
    void close() {
        hubs.forEach(Hub::close);
    }

    private static String publish(String id, String topic, String key, Object data) {
        return "{\"type\":\"publish\",\"id\":\"" + id + "\",\"topic\":\"" + topic + "\",\"data\":" + data
                + ",\"ack\":true" + (key == null ? "" : ",\"key\":\"" + key + "\"") + "}";
    }

    @Test
    void aRepeatedKeyIsAckedWithTheFirstSeqAndDeliveredOnce() {
        Hub hub = hub();
        FakePeer alice = new FakePeer(hub, "alice");
        FakePeer bob = new FakePeer(hub, "bob");
        bob.request("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"lobby\"}");
        bob.next("subscribed");

        alice.request(publish("p1", "lobby", "k-1", "\"first\""));
        JsonNode first = alice.next("ack");
        assertEquals(1, first.get("seq").asLong());
        assertFalse(first.has("duplicate"));
        alice.request(publish("p2", "lobby", "k-1", "\"first again\""));
        JsonNode again = alice.next("ack");
        assertEquals("p2", again.get("id").asText());
        assertEquals(1, again.get("seq").asLong());
        assertEquals(first.get("ts").asLong(), again.get("ts").asLong());
        assertTrue(again.get("duplicate").asBoolean());
        // another connection (a client that reconnected) sending the key gets the same answer
        FakePeer aliceAgain = new FakePeer(hub, "alice");
        aliceAgain.request(publish("p1", "lobby", "k-1", "\"first\""));
        assertEquals(1, aliceAgain.next("ack").get("seq").asLong());

        alice.request(publish("p3", "lobby", "k-2", "\"second\""));
        assertEquals(2, alice.next("ack").get("seq").asLong());

        JsonNode m1 = bob.next("message");
        assertEquals(1, m1.get("seq").asLong());
        assertEquals("first", m1.get("data").asText());
        JsonNode m2 = bob.next("message");
        assertEquals(2, m2.get("seq").asLong());
        bob.expectNothingMore();
        assertEquals(2, hub.metrics().published());
        assertEquals(2, hub.metrics().duplicatePublishes());

        // a resuming subscriber finds the message once in the history too
        FakePeer carol = new FakePeer(hub, "carol");
        carol.request("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"lobby\",\"since\":0}");
        carol.next("subscribed");
        assertEquals(1, carol.next("message").get("seq").asLong());
        assertEquals(2, carol.next("message").get("seq").asLong());
        carol.expectNothingMore();
    }

    @Test
    void aDuplicateInTheSameBatchAsItsFirstIsAckedAfterIt() {
        Hub hub = hub();
        FakePeer alice = new FakePeer(hub, "alice");
        for (int i = 0; i < 20; i++) { // sent back to back: most land in one writer batch with their first
            alice.request(publish("a" + i, "burst", "k" + i, i));
            alice.request(publish("b" + i, "burst", "k" + i, i));
        }
        for (int i = 0; i < 20; i++) {
            JsonNode a = alice.next("ack");
            JsonNode b = alice.next("ack");
            assertEquals("a" + i, a.get("id").asText());
            assertEquals("b" + i, b.get("id").asText());
            assertEquals(i + 1, a.get("seq").asLong());
            assertEquals(i + 1, b.get("seq").asLong());
            assertTrue(b.get("duplicate").asBoolean());
        }
        assertEquals(20, hub.topics().get(0).lastSeq());
    }

    @Test
    void keysArePerTopic() {
        Hub hub = hub();
        FakePeer alice = new FakePeer(hub, "alice");
        alice.request(publish("p1", "one", "same", 1));
        assertEquals(1, alice.next("ack").get("seq").asLong());
        alice.request(publish("p2", "two", "same", 2));
        JsonNode other = alice.next("ack");
        assertEquals("two", other.get("topic").asText());
        assertEquals(1, other.get("seq").asLong());
        assertFalse(other.has("duplicate"), "a key used on another topic is a new message here");
        alice.request(publish("p3", "two", null, 3));
        assertEquals(2, alice.next("ack").get("seq").asLong(), "the keyed publish on 'two' was stored");
    }

    @Test
    void aKeyIsForgottenAfterTheWindow() {
        Hub hub = hub();
        FakePeer alice = new FakePeer(hub, "alice");
        alice.request(publish("p1", "w", "k", 1));
        assertEquals(1, alice.next("ack").get("seq").asLong());
        clock.advance(PublishKeys.WINDOW.minusSeconds(1));
        alice.request(publish("p2", "w", "k", 1));
        assertTrue(alice.next("ack").get("duplicate").asBoolean(), "still within the window");
        clock.advance(Duration.ofSeconds(2));
        alice.request(publish("p3", "w", "k", 1));
        JsonNode late = alice.next("ack");
        assertEquals(2, late.get("seq").asLong());
        assertFalse(late.has("duplicate"));
    }

    @Test
    void aPublishThatFailedToCommitLeavesItsKeyFreeForTheRetry() throws Exception {
        AtomicBoolean failNext = new AtomicBoolean();
        Hub hub = hub(Hub.builder().store(new ForwardingStore(new MemoryMessageStore(100)) {
            @Override
            public void commit() {
                if (failNext.getAndSet(false)) {
                    throw new HubException("internal", "disk full");
                }
                super.commit();
            }
        }).errorHandler(e -> { }));
        hub.ready().get(10, TimeUnit.SECONDS);
        FakePeer alice = new FakePeer(hub, "alice");
        alice.request("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"f\"}");
        alice.next("subscribed");
        failNext.set(true);
        alice.request(publish("p1", "f", "k", 1));
        alice.error("internal");
        alice.request(publish("p2", "f", "k", 1));
        JsonNode ack = alice.next("ack");
        assertEquals(1, ack.get("seq").asLong());
        assertFalse(ack.has("duplicate"), "the failed publish was not stored, so the retry is the first");
        assertEquals(1, alice.next("message").get("seq").asLong());
        alice.expectNothingMore();
    }

    @Test
    void invalidKeysAreBadRequests() {
        Hub hub = hub();
        FakePeer alice = new FakePeer(hub, "alice");
        for (String key : List.of("\"\"", "\"has space\"", "\"" + "k".repeat(65) + "\"", "12", "true", "\"ü\"")) {
            alice.request("{\"type\":\"publish\",\"id\":\"x\",\"topic\":\"t\",\"data\":1,\"key\":" + key + "}");
            JsonNode e = alice.error("bad_request");
            assertTrue(e.get("message").asText().contains("\"key\""), e::toString);
        }
        alice.request("{\"type\":\"publish\",\"id\":\"ok\",\"topic\":\"t\",\"data\":1,\"ack\":true,\"key\":\""
                + "Az09._:-".repeat(8) + "\"}");
        assertEquals(1, alice.next("ack").get("seq").asLong(), "64 characters of the allowed set");
    }

    @Test
    void serverCodeCanPublishWithAKey() throws Exception {
        Hub hub = hub();
        Published first = hub.publish("srv", "1", "job-7").get(10, TimeUnit.SECONDS);
        Published again = hub.publish("srv", "1", "job-7").get(10, TimeUnit.SECONDS);
        assertEquals(first, again);
        assertEquals(2, hub.publish("srv", "2", "job-8").get(10, TimeUnit.SECONDS).seq());
        assertThrows(IllegalArgumentException.class, () -> hub.publish("srv", "1", "bad key"));
    }

    @Test
    void theKeyMemoryIsBoundedByCountAndAge() {
        PublishKeys keys = new PublishKeys(Duration.ofSeconds(10), 3);
        keys.remember("t", "a", 1, 100, 0);
        keys.remember("t", "b", 2, 100, 1);
        keys.remember("u", "a", 1, 100, 2);
        assertEquals(1, keys.find("t", "a", 3).seq());
        assertEquals(1, keys.find("u", "a", 3).seq());
        keys.remember("t", "c", 3, 100, 4);
        assertEquals(3, keys.size());
        assertNull(keys.find("t", "a", 5), "the oldest key went first");
        assertNotNull(keys.find("t", "b", 5));
        assertNull(keys.find("t", "b", 10_002), "older than the window");
        assertEquals(2, keys.size());
        assertNotNull(keys.find("t", "c", 10_004));
        assertNull(keys.find("t", "c", 10_005));
        assertEquals(0, keys.size());
    }
}
