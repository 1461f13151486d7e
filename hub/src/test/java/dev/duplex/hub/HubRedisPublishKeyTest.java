package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.net.WebSocketServer;
import dev.duplex.testkit.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idempotent publish ({@code "key"}) across nodes: the check runs in Redis, in the script that gives the seq. */
class HubRedisPublishKeyTest {
    @TempDir
    Path dir;
    private RedisServer redis;
    private final List<Hub> hubs = new ArrayList<>();
    private final List<WebSocketServer> servers = new ArrayList<>();
    private final List<JdkHubClient> clients = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(dir);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (JdkHubClient c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closed already
            }
        }
        for (WebSocketServer s : servers) {
            s.stop();
        }
        for (Hub h : hubs) {
            h.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private void node() throws Exception {
        Hub hub = Hub.builder().redis(redis.uri()).redisTimeout(Duration.ofSeconds(5)).errorHandler(e -> { }).build();
        hubs.add(hub);
        servers.add(hub.startServer(WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)));
        hub.ready().get(10, TimeUnit.SECONDS);
    }

    private JdkHubClient client(int node) throws Exception {
        JdkHubClient c = JdkHubClient.connect(URI.create("ws://127.0.0.1:" + servers.get(node).port() + "/hub"));
        clients.add(c);
        c.next("welcome");
        return c;
    }

    /** The next frame of {@code type}, skipping presence (joins travel through Redis and may come late). */
    private static JsonNode next(JdkHubClient c, String type) throws Exception {
        while (true) {
            JsonNode n = c.next();
            String got = n.path("type").asText();
            if (!type.equals(got) && (got.equals("join") || got.equals("leave"))) {
                continue;
            }
            assertEquals(type, got, n::toString);
            return n;
        }
    }

    private static String publish(String id, String topic, String key, Object data) {
        return "{\"type\":\"publish\",\"id\":\"" + id + "\",\"topic\":\"" + topic + "\",\"data\":" + data
                + ",\"ack\":true" + (key == null ? "" : ",\"key\":\"" + key + "\"") + "}";
    }

    @Test
    void aKeyRetriedOnAnotherNodeIsAckedWithTheFirstSeqAndDeliveredOnce() throws Exception {
        node();
        node();
        JdkHubClient onA = client(0);
        JdkHubClient onB = client(1);
        onB.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"room\"}");
        next(onB, "subscribed");
        JdkHubClient publisher = client(0);
        publisher.send(publish("p1", "room", "k-1", "\"hello\""));
        JsonNode first = next(publisher, "ack");
        assertEquals(1, first.get("seq").asLong());
        assertFalse(first.has("duplicate"));

        JdkHubClient retry = client(1); // the publisher's node "failed": it sends again to B
        retry.send(publish("p1", "room", "k-1", "\"hello\""));
        JsonNode again = next(retry, "ack");
        assertEquals(1, again.get("seq").asLong());
        assertEquals(first.get("ts").asLong(), again.get("ts").asLong());
        assertTrue(again.get("duplicate").asBoolean());
        retry.send(publish("p2", "room", "k-2", "\"next\""));
        assertEquals(2, next(retry, "ack").get("seq").asLong());

        JsonNode m1 = next(onB, "message");
        assertEquals(1, m1.get("seq").asLong());
        assertEquals("hello", m1.get("data").asText());
        JsonNode m2 = next(onB, "message");
        assertEquals(2, m2.get("seq").asLong(), "the duplicate was not delivered");
        assertEquals(1, hubs.get(1).metrics().duplicatePublishes());

        onA.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"room\",\"since\":0}");
        next(onA, "subscribed");
        assertEquals(1, next(onA, "message").get("seq").asLong());
        assertEquals(2, next(onA, "message").get("seq").asLong());
        assertEquals("2", redis.bulk("HGET duplex:{room}:seq seq"), "one seq given per distinct key");
    }

    @Test
    void keysArePerTopicAndServerCodeCanUseThem() throws Exception {
        node();
        node();
        assertEquals(1, hubs.get(0).publish("a", "1", "same").get(10, TimeUnit.SECONDS).seq());
        assertEquals(1, hubs.get(1).publish("b", "1", "same").get(10, TimeUnit.SECONDS).seq());
        assertEquals(hubs.get(0).publish("a", "1", "same").get(10, TimeUnit.SECONDS),
                hubs.get(1).publish("a", "1", "same").get(10, TimeUnit.SECONDS));
        assertEquals(2, hubs.get(1).publish("a", "2").get(10, TimeUnit.SECONDS).seq());
        assertEquals(2, hubs.get(0).publish("b", "2").get(10, TimeUnit.SECONDS).seq());
    }

    @Test
    void theSameKeysSentToTwoNodesAtOnceAreStoredOnce() throws Exception {
        node();
        node();
        List<java.util.concurrent.CompletableFuture<Published>> onA = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<Published>> onB = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            onA.add(hubs.get(0).publish("race", Integer.toString(i), "k" + i));
            onB.add(hubs.get(1).publish("race", Integer.toString(i), "k" + i));
        }
        java.util.Set<Long> seqs = new java.util.TreeSet<>();
        for (int i = 0; i < 200; i++) {
            Published a = onA.get(i).get(10, TimeUnit.SECONDS);
            assertEquals(a, onB.get(i).get(10, TimeUnit.SECONDS), "key k" + i + " got one seq on both nodes");
            seqs.add(a.seq());
        }
        assertEquals(200, seqs.size());
        assertEquals(200L, ((java.util.TreeSet<Long>) seqs).last(), "200 keys, 200 seqs: none stored twice");
        assertEquals(200, hubs.get(0).metrics().duplicatePublishes() + hubs.get(1).metrics().duplicatePublishes());
    }

    @Test
    void theScriptBoundsTheKeysByCountAndWindowAndLetsThemExpire() throws Exception {
        RedisSharedLog log = new RedisSharedLog(redis.uri(), new Retention(100, Duration.ofHours(1)),
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
            assertEquals(":3", redis.command("HLEN duplex:{k}:keys"), "at most 3 keys");
            assertEquals(":3", redis.command("ZCARD duplex:{k}:keyorder"));
            assertEquals(new SharedLog.Appended(6, t0 + 6, false), append(log, t0 + 6, "a"), "the oldest went");
            assertEquals(new SharedLog.Appended(5, t0 + 5, true), append(log, t0 + 7, "d"));
            // ten seconds after "d" (timestamps are the topic's, so no waiting): "d" is new again
            assertEquals(new SharedLog.Appended(5, t0 + 5, true), append(log, t0 + 5 + 10_000, "d"));
            assertEquals(new SharedLog.Appended(7, t0 + 5 + 10_001, false), append(log, t0 + 5 + 10_001, "d"));
            assertEquals(":2", redis.command("HLEN duplex:{k}:keys"), "\"c\" and the first \"d\", older than the window, were dropped");
            long ttl = Long.parseLong(redis.command("PTTL duplex:{k}:keys").substring(1));
            assertTrue(ttl > 0 && ttl <= 10_000, "the keys expire with the window: " + ttl);
            ttl = Long.parseLong(redis.command("PTTL duplex:{k}:keyorder").substring(1));
            assertTrue(ttl > 0 && ttl <= 10_000, "the key order expires with the window: " + ttl);
        } finally {
            log.close();
        }
    }

    private static SharedLog.Appended append(RedisSharedLog log, long ts, String key) throws Exception {
        return log.append("k", ts, "s1", "n", "1", key).get(10, TimeUnit.SECONDS);
    }
}
