package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.duplex.hub.HubNodes.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idempotent publish ({@code "key"}) across nodes: the check runs in Redis, in the script that gives the seq. */
class HubRedisPublishKeyTest {
    @RegisterExtension
    final HubNodes nodes = HubNodes.onRedis();

    private void node() throws Exception {
        nodes.node(Hub.builder().redis(nodes.redis().uri()).redisTimeout(Duration.ofSeconds(5))
                .errorHandler(e -> { }));
    }

    private static String publish(String id, String topic, String key, Object data) {
        return "{\"type\":\"publish\",\"id\":\"" + id + "\",\"topic\":\"" + topic + "\",\"data\":" + data
                + ",\"ack\":true" + (key == null ? "" : ",\"key\":\"" + key + "\"") + "}";
    }

    @Test
    void aKeyRetriedOnAnotherNodeIsAckedWithTheFirstSeqAndDeliveredOnce() throws Exception {
        node();
        node();
        JdkHubClient onA = nodes.client(0);
        JdkHubClient onB = nodes.client(1);
        onB.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"room\"}");
        reply(onB, "subscribed");
        JdkHubClient publisher = nodes.client(0);
        publisher.send(publish("p1", "room", "k-1", "\"hello\""));
        JsonNode first = reply(publisher, "ack");
        assertEquals(1, first.get("seq").asLong());
        assertFalse(first.has("duplicate"));

        JdkHubClient retry = nodes.client(1); // the publisher's node "failed": it sends again to B
        retry.send(publish("p1", "room", "k-1", "\"hello\""));
        JsonNode again = reply(retry, "ack");
        assertEquals(1, again.get("seq").asLong());
        assertEquals(first.get("ts").asLong(), again.get("ts").asLong());
        assertTrue(again.get("duplicate").asBoolean());
        retry.send(publish("p2", "room", "k-2", "\"next\""));
        assertEquals(2, reply(retry, "ack").get("seq").asLong());

        JsonNode m1 = reply(onB, "message");
        assertEquals(1, m1.get("seq").asLong());
        assertEquals("hello", m1.get("data").asText());
        JsonNode m2 = reply(onB, "message");
        assertEquals(2, m2.get("seq").asLong(), "the duplicate was not delivered");
        assertEquals(1, nodes.hub(1).metrics().duplicatePublishes());

        onA.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"room\",\"since\":0}");
        reply(onA, "subscribed");
        assertEquals(1, reply(onA, "message").get("seq").asLong());
        assertEquals(2, reply(onA, "message").get("seq").asLong());
        assertEquals("2", nodes.redis().bulk("HGET duplex:{room}:seq seq"), "one seq given per distinct key");
    }

    @Test
    void keysArePerTopicAndServerCodeCanUseThem() throws Exception {
        node();
        node();
        assertEquals(1, nodes.hub(0).publish("a", "1", "same").get(10, TimeUnit.SECONDS).seq());
        assertEquals(1, nodes.hub(1).publish("b", "1", "same").get(10, TimeUnit.SECONDS).seq());
        assertEquals(nodes.hub(0).publish("a", "1", "same").get(10, TimeUnit.SECONDS),
                nodes.hub(1).publish("a", "1", "same").get(10, TimeUnit.SECONDS));
        assertEquals(2, nodes.hub(1).publish("a", "2").get(10, TimeUnit.SECONDS).seq());
        assertEquals(2, nodes.hub(0).publish("b", "2").get(10, TimeUnit.SECONDS).seq());
    }

    @Test
    void theSameKeysSentToTwoNodesAtOnceAreStoredOnce() throws Exception {
        node();
        node();
        List<java.util.concurrent.CompletableFuture<Published>> onA = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<Published>> onB = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            onA.add(nodes.hub(0).publish("race", Integer.toString(i), "k" + i));
            onB.add(nodes.hub(1).publish("race", Integer.toString(i), "k" + i));
        }
        java.util.Set<Long> seqs = new java.util.TreeSet<>();
        for (int i = 0; i < 200; i++) {
            Published a = onA.get(i).get(10, TimeUnit.SECONDS);
            assertEquals(a, onB.get(i).get(10, TimeUnit.SECONDS), "key k" + i + " got one seq on both nodes");
            seqs.add(a.seq());
        }
        assertEquals(200, seqs.size());
        assertEquals(200L, ((java.util.TreeSet<Long>) seqs).last(), "200 keys, 200 seqs: none stored twice");
        assertEquals(200, nodes.hub(0).metrics().duplicatePublishes() + nodes.hub(1).metrics().duplicatePublishes());
    }

    @Test
    void theScriptBoundsTheKeysByCountAndWindowAndLetsThemExpire() throws Exception {
        RedisSharedLog log = new RedisSharedLog(nodes.redis().uri(), new Retention(100, Duration.ofHours(1)),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 3);
        log.open(new SharedLog.Events() {
            @Override
            public void message(StoredMessage message) {
            }

            @Override
            public void subscribed(String topic) {
            }

            @Override
            public void disconnected() {
            }

            @Override
            public void presence(String topic, boolean joined, Member member) {
            }
        });
        try {
            long t0 = 1_000_000;
            assertEquals(new SharedLog.Appended(1, t0, false), append(log, t0, "a"));
            assertEquals(new SharedLog.Appended(2, t0 + 1, false), append(log, t0 + 1, "b"));
            assertEquals(new SharedLog.Appended(1, t0, true), append(log, t0 + 2, "a"));
            assertEquals(new SharedLog.Appended(3, t0 + 3, false), append(log, t0 + 3, null));
            assertEquals(new SharedLog.Appended(4, t0 + 4, false), append(log, t0 + 4, "c"));
            assertEquals(new SharedLog.Appended(5, t0 + 5, false), append(log, t0 + 5, "d"));
            assertEquals(":3", nodes.redis().command("HLEN duplex:{k}:keys"), "at most 3 keys");
            assertEquals(":3", nodes.redis().command("ZCARD duplex:{k}:keyorder"));
            assertEquals(new SharedLog.Appended(6, t0 + 6, false), append(log, t0 + 6, "a"), "the oldest went");
            assertEquals(new SharedLog.Appended(5, t0 + 5, true), append(log, t0 + 7, "d"));
            // ten seconds after "d" (timestamps are the topic's, so no waiting): "d" is new again
            assertEquals(new SharedLog.Appended(5, t0 + 5, true), append(log, t0 + 5 + 10_000, "d"));
            assertEquals(new SharedLog.Appended(7, t0 + 5 + 10_001, false), append(log, t0 + 5 + 10_001, "d"));
            assertEquals(":2", nodes.redis().command("HLEN duplex:{k}:keys"), "\"c\" and the first \"d\", older than the window, were dropped");
            long ttl = Long.parseLong(nodes.redis().command("PTTL duplex:{k}:keys").substring(1));
            assertTrue(ttl > 0 && ttl <= 10_000, "the keys expire with the window: " + ttl);
            ttl = Long.parseLong(nodes.redis().command("PTTL duplex:{k}:keyorder").substring(1));
            assertTrue(ttl > 0 && ttl <= 10_000, "the key order expires with the window: " + ttl);
        } finally {
            log.close();
        }
    }

    private static SharedLog.Appended append(RedisSharedLog log, long ts, String key) throws Exception {
        return log.append("k", ts, "s1", "n", "1", key).get(10, TimeUnit.SECONDS);
    }
}
