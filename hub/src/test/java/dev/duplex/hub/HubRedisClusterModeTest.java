package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.testkit.RedisCluster;
import dev.duplex.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static dev.duplex.hub.HubNodes.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two hub nodes on a real three-shard Redis Cluster ({@code redis-cluster://}), shared by the tests of this class
 * (each test uses its own topics): every script touches one slot, topics live on different shards, and messages,
 * history and presence work across the nodes.
 */
class HubRedisClusterModeTest {
    @TempDir
    static Path dir;
    private static RedisCluster cluster;
    @RegisterExtension
    final HubNodes nodes = new HubNodes();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisCluster.start(dir, 3);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Hub node() throws Exception {
        return nodes.node(Hub.builder().redis(cluster.uri()).redisTimeout(Duration.ofSeconds(5))
                .errorHandler(errors::add));
    }

    private static JsonNode subscribe(JdkHubClient c, String topic, String extra) throws Exception {
        c.send("{\"type\":\"subscribe\",\"id\":\"s-" + topic + "\",\"topic\":\"" + topic + "\"" + extra + "}");
        return c.next("subscribed");
    }

    private static int slot(String key) throws Exception {
        return Integer.parseInt(cluster.nodes().get(0).call("CLUSTER KEYSLOT " + key).substring(1));
    }

    /** {@code count} fresh topic names whose keys live on at least two different shards (asserted). */
    private static List<String> topicsOnSeveralShards(int count) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> topics = new ArrayList<>();
        Set<Integer> shards = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String topic = "room-" + run + "-" + i;
            topics.add(topic);
            shards.add(cluster.owner(RedisSharedLog.seqKey(topic)).port());
        }
        assertTrue(shards.size() >= 2, "the topics " + topics + " should be spread over the shards");
        return topics;
    }

    @Test
    void everyKeyAndTheChannelOfATopicShareOneSlotAndNodeKeysStandAlone() throws Exception {
        Set<Integer> slots = new HashSet<>();
        for (String topic : List.of("a", "b", "news", "chat/42", "x{y}z")) {
            int seq = slot(RedisSharedLog.seqKey(topic));
            assertEquals(seq, slot(RedisSharedLog.logKey(topic)), topic);
            assertEquals(seq, slot(RedisSharedLog.membersKey(topic)), topic);
            assertEquals(seq, slot(RedisSharedLog.channel(topic)), topic);
            slots.add(seq);
        }
        assertEquals(5, slots.size(), "different topics, different slots");
    }

    @Test
    void messagesOnTopicsOfDifferentShardsCrossNodesOnceInOrder() throws Exception {
        node();
        node();
        List<String> topics = topicsOnSeveralShards(6);
        JdkHubClient onB = nodes.client(1);
        for (String t : topics) {
            assertEquals(0, subscribe(onB, t, "").get("seq").asLong());
        }
        JdkHubClient publisher = nodes.client(0);
        int each = 15;
        for (int i = 1; i <= each; i++) {
            for (String t : topics) {
                publisher.send("{\"type\":\"publish\",\"id\":\"" + t + "/" + i + "\",\"topic\":\"" + t
                        + "\",\"data\":" + i + ",\"ack\":true}");
                JsonNode ack = publisher.next("ack");
                assertEquals(t + "/" + i, ack.get("id").asText());
                assertEquals(i, ack.get("seq").asLong());
            }
        }
        Map<String, Long> last = new HashMap<>();
        for (int n = 0; n < each * topics.size(); n++) {
            JsonNode m = messages(onB, 1).get(0);
            String t = m.get("topic").asText();
            long seq = m.get("seq").asLong();
            assertEquals(last.getOrDefault(t, 0L) + 1, seq, () -> "out of order or twice: " + m);
            assertEquals(seq, m.get("data").asLong());
            last.put(t, seq);
        }
        for (String t : topics) {
            assertEquals(each, last.get(t), t);
            // the history is on the shard that owns the topic's slot
            RedisServer owner = cluster.owner(RedisSharedLog.logKey(t));
            assertEquals(":" + each, owner.command("ZCARD " + RedisSharedLog.logKey(t)));
        }
        assertTrue(errors.isEmpty(), errors::toString);
    }

    @Test
    void resumeWithSinceAndPresenceWorkAcrossNodesOnEveryShard() throws Exception {
        Hub a = node();
        node();
        for (String t : topicsOnSeveralShards(4)) {
            for (int i = 1; i <= 8; i++) {
                assertEquals(i, a.publish(t, Integer.toString(i)).get(10, TimeUnit.SECONDS).seq());
            }
            JdkHubClient onA = nodes.client(0);
            String aSession = subscribe(onA, t, "").get("members").get(0).get("session").asText();
            JdkHubClient onB = nodes.client(1);
            JsonNode subscribed = subscribe(onB, t, ",\"since\":5");
            assertEquals(8, subscribed.get("seq").asLong());
            assertEquals(2, subscribed.get("memberCount").asInt(), subscribed::toString);
            List<String> sessions = new ArrayList<>();
            subscribed.get("members").forEach(m -> sessions.add(m.get("session").asText()));
            assertTrue(sessions.contains(aSession), sessions::toString);
            for (long seq = 6; seq <= 8; seq++) {
                JsonNode m = messages(onB, 1).get(0);
                assertEquals(seq, m.get("seq").asLong());
                assertEquals(seq, m.get("data").asLong());
                assertTrue(m.path("replay").asBoolean(), m::toString);
            }
            String bSession = sessions.stream().filter(s -> !s.equals(aSession)).findFirst().orElseThrow();
            JsonNode join = onA.next("join");
            assertEquals(bSession, join.get("member").get("session").asText());
            a.publish(t, "9").get(10, TimeUnit.SECONDS);
            JsonNode live = messages(onB, 1).get(0);
            assertEquals(9, live.get("seq").asLong());
            assertFalse(live.path("replay").asBoolean());
            assertEquals(9, onA.next("message").get("seq").asLong());
            onB.send("{\"type\":\"unsubscribe\",\"id\":\"u\",\"topic\":\"" + t + "\"}");
            JsonNode leave = onA.next("leave");
            assertEquals(bSession, leave.get("member").get("session").asText());
        }
        assertTrue(errors.isEmpty(), errors::toString);
    }
}
