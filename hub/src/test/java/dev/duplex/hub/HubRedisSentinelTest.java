package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.testkit.RedisServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two hub nodes on a real primary, its replica and one Sentinel ({@code redis-sentinel://}), all on 127.0.0.1:
 * a forced failover moves both nodes to the new primary, and every acked message reaches the subscribers once,
 * in order. The primary has {@code min-replicas-to-write 1}, as docs/cluster.md advises: once its replica left to
 * become the new primary, it refuses writes ({@code unavailable}, retried by the publisher) instead of acking
 * writes that the new primary never sees.
 */
class HubRedisSentinelTest {
    private static final String MASTER = "dx";

    @TempDir
    Path dir;
    private RedisServer primary;
    private RedisServer replica;
    private RedisServer sentinel;
    @RegisterExtension
    final HubNodes nodes = new HubNodes();

    @BeforeEach
    void startRedis() throws Exception {
        primary = nodes.closeLast(RedisServer.start(Files.createDirectories(dir.resolve("primary")),
                "--min-replicas-to-write", "1", "--min-replicas-max-lag", "10"));
        replica = nodes.closeLast(RedisServer.start(Files.createDirectories(dir.resolve("replica")),
                "--replicaof", "127.0.0.1", Integer.toString(primary.port())));
        // the primary takes writes once its replica is in sync
        waitFor(() -> primary.command("SET duplex:probe 1").equals("+OK"), "the replica to sync");
        sentinel = nodes.closeLast(RedisServer.sentinel(Files.createDirectories(dir.resolve("sentinel")), MASTER,
                primary));
        waitFor(() -> sentinel.call("SENTINEL REPLICAS " + MASTER).contains(Integer.toString(replica.port())),
                "the Sentinel to find the replica");
    }

    private static void waitFor(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (IOException retried) {
                // not answering yet
            }
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            TimeUnit.MILLISECONDS.sleep(50); // polling with a deadline
        }
    }

    private void node() throws Exception {
        nodes.node(Hub.builder().redis(sentinel.sentinelUri(MASTER)).redisTimeout(Duration.ofSeconds(2)));
    }

    /** Publishes {@code data} until it is acked, retrying each {@code unavailable}; returns the seq. */
    private static long publishUntilAcked(JdkHubClient publisher, int data, long deadline) throws Exception {
        for (int attempt = 0; ; attempt++) {
            String id = data + "-" + attempt;
            publisher.send("{\"type\":\"publish\",\"id\":\"" + id + "\",\"topic\":\"chat\",\"data\":" + data
                    + ",\"ack\":true}");
            JsonNode reply = publisher.next();
            assertEquals(id, reply.path("id").asText(), reply::toString);
            if (reply.path("type").asText().equals("ack")) {
                return reply.get("seq").asLong();
            }
            assertEquals("unavailable", reply.path("code").asText(), reply::toString);
            assertTrue(System.nanoTime() < deadline, "publishes still refused: " + reply);
            TimeUnit.MILLISECONDS.sleep(50); // the publisher's retry pause
        }
    }

    /** Two nodes, a subscriber on each, 10 messages acked through the first primary; returns the publisher. */
    private JdkHubClient twoNodesAndTenMessages(Map<Long, Integer> acked, List<JdkHubClient> subscribers,
                                                long deadline) throws Exception {
        node();
        node();
        for (int n = 0; n < 2; n++) {
            JdkHubClient c = nodes.client(n);
            c.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"chat\"}");
            c.next("subscribed");
            subscribers.add(c);
        }
        JdkHubClient publisher = nodes.client(0);
        for (int i = 1; i <= 10; i++) {
            acked.put(publishUntilAcked(publisher, i, deadline), i);
        }
        return publisher;
    }

    /** Publishes {@code from} to 40 (retrying refusals), checks where they went and that every subscriber got all. */
    private void publishOnTheNewPrimary(JdkHubClient publisher, Map<Long, Integer> acked,
                                        List<JdkHubClient> subscribers, int from, long deadline) throws Exception {
        for (int i = from; i <= 40; i++) {
            acked.put(publishUntilAcked(publisher, i, deadline), i);
        }
        assertTrue(replica.call("ROLE").startsWith("master"), "the replica became the primary");
        long last = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertEquals(40, last, "no refused publish took a seq: " + acked);
        assertEquals("40", replica.call("HGET duplex:{chat}:seq seq"), "the new primary holds every message");
        for (JdkHubClient c : subscribers) {
            assertEveryAckedOnceInOrder(c, acked, last);
        }
    }

    @Test
    void afterAForcedFailoverTheNodesLeaveTheOldPrimaryAtOnceAndEveryAckedMessageArrivesOnceInOrder()
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<Long, Integer> acked = new LinkedHashMap<>();
        List<JdkHubClient> subscribers = new ArrayList<>();
        JdkHubClient publisher = twoNodesAndTenMessages(acked, subscribers, deadline);
        waitFor(() -> sentinel.command("SENTINEL FAILOVER " + MASTER).equals("+OK"), "the Sentinel to fail over");
        waitFor(() -> sentinel.call("SENTINEL GET-MASTER-ADDR-BY-NAME " + MASTER)
                .endsWith(Integer.toString(replica.port())), "the Sentinel to name the new primary");
        // Sentinel turns the old primary into a replica (and drops its clients) only ~10 s after the switch;
        // until then it refuses writes (min-replicas-to-write). Publishing works sooner: the nodes followed the
        // Sentinel's +switch-master on their own.
        assertEquals(11, publishUntilAcked(publisher, 11, deadline));
        acked.put(11L, 11);
        // both nodes' pub/sub connections moved too
        waitFor(() -> replica.call("PUBSUB NUMSUB duplex:{chat}:bus").endsWith(":2"), "both nodes to resubscribe");
        assertTrue(primary.call("ROLE").startsWith("master"), "published and resubscribed through the new primary "
                + "before the Sentinel reconfigured the old one");
        publishOnTheNewPrimary(publisher, acked, subscribers, 12, deadline);
    }

    @Test
    void afterThePrimaryIsKilledTheNodesReconnectToThePrimaryTheSentinelPromoted() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<Long, Integer> acked = new LinkedHashMap<>();
        List<JdkHubClient> subscribers = new ArrayList<>();
        JdkHubClient publisher = twoNodesAndTenMessages(acked, subscribers, deadline);
        // replication is asynchronous: an ack does not mean the replica has it (see docs/cluster.md)
        waitFor(() -> replica.call("HGET duplex:{chat}:seq seq").equals("10"), "the replica to have the 10");
        primary.kill();
        publishOnTheNewPrimary(publisher, acked, subscribers, 11, deadline);
    }

    /**
     * Reads messages up to seq {@code last}: seqs only go up (nothing twice, in order), no gap notice, each acked
     * seq arrives with its data. A publish whose answer was lost in the failover may also be there (stored, not
     * acked); the notices that the link to Redis broke are skipped.
     */
    private static void assertEveryAckedOnceInOrder(JdkHubClient c, Map<Long, Integer> acked, long last)
            throws Exception {
        Map<Long, Integer> got = new LinkedHashMap<>();
        long previous = acked.keySet().stream().mapToLong(Long::longValue).min().orElseThrow() - 1;
        while (previous < last) {
            JsonNode n = c.next();
            switch (n.path("type").asText()) {
                case "message" -> {
                    long seq = n.get("seq").asLong();
                    assertTrue(seq > previous, () -> "seq " + seq + " after " + got.keySet());
                    got.put(seq, n.get("data").asInt());
                    previous = seq;
                }
                case "error" -> assertEquals("unavailable", n.path("code").asText(), n::toString);
                case "join", "leave" -> {
                }
                default -> fail("unexpected " + n);
            }
        }
        acked.forEach((seq, data) -> assertEquals(data, got.get(seq), () -> "acked seq " + seq + " in " + got));
    }
}
