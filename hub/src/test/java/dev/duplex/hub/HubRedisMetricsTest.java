package dev.duplex.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static dev.duplex.hub.HubNodes.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Hub#clusterMetrics()} on nodes sharing a real redis-server, while messages flow and Redis goes away. */
class HubRedisMetricsTest {
    @RegisterExtension
    final HubNodes nodes = HubNodes.onRedis();

    private Hub node(Duration timeout) throws Exception {
        return nodes.node(Hub.builder().redis(nodes.redis().uri()).redisTimeout(timeout).errorHandler(e -> { }));
    }

    private static ClusterMetrics metrics(Hub hub) {
        return hub.clusterMetrics().orElseThrow();
    }

    /** Polls the node's metrics until {@code condition} holds (the links change on Lettuce's threads). */
    private static ClusterMetrics await(Hub hub, String what, Predicate<ClusterMetrics> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            ClusterMetrics m = metrics(hub);
            if (condition.test(m)) {
                return m;
            }
            assertTrue(System.nanoTime() < deadline, () -> "no " + what + " within 20 s: " + m);
            TimeUnit.MILLISECONDS.sleep(20); // polling with a deadline
        }
    }

    @Test
    void aHubWithItsOwnStoreHasNoClusterMetrics() {
        try (Hub hub = Hub.builder().inMemory().build()) {
            assertTrue(hub.clusterMetrics().isEmpty());
        }
    }

    @Test
    void aNodeThatNeverReachedRedisIsUnreachableSinceItWasBuilt() throws Exception {
        nodes.redis().stop();
        Hub hub = Hub.builder().redis(nodes.redis().uri()).errorHandler(e -> { }).build();
        nodes.closeLast(hub);
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> hub.ready().get(20, TimeUnit.SECONDS));
        assertEquals("unavailable", assertInstanceOf(HubException.class, failed.getCause()).code());
        ClusterMetrics m = await(hub, "time passing", x -> x.unreachableMillis() > 0);
        assertTrue(!m.commandLinkUp() && !m.pubSubLinkUp(), m::toString);
        assertEquals(0, m.reconnects(), m::toString);
    }

    @Test
    void messagesOutCountOnThePublishingNodeAndInOnTheSubscribedOneWithRoundTrips() throws Exception {
        Hub a = node(Duration.ofSeconds(5));
        Hub b = node(Duration.ofSeconds(5));
        JdkHubClient onB = nodes.client(1);
        onB.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"flow\"}");
        onB.next("subscribed");
        JdkHubClient publisher = nodes.client(0);
        for (int i = 1; i <= 5; i++) {
            publisher.send("{\"type\":\"publish\",\"id\":\"p" + i + "\",\"topic\":\"flow\",\"data\":" + i
                    + ",\"ack\":true}");
            assertEquals(i, publisher.next("ack").get("seq").asLong());
        }
        assertEquals(5, messages(onB, 5).size());

        ClusterMetrics ma = metrics(a);
        ClusterMetrics mb = metrics(b);
        assertEquals(5, ma.messagesOut(), ma::toString);
        assertEquals(0, ma.messagesIn(), "A has no subscriber on the topic, so no subscription in Redis");
        assertEquals(0, mb.messagesOut(), mb::toString);
        assertEquals(5, mb.messagesIn(), mb::toString);
        assertTrue(ma.nodeId().matches("[0-9a-f]{16}"), ma.nodeId());
        assertNotEquals(ma.nodeId(), mb.nodeId());
        for (ClusterMetrics m : List.of(ma, mb)) {
            assertTrue(m.commandLinkUp() && m.pubSubLinkUp(), m::toString);
            assertEquals(0, m.unreachableMillis(), m::toString);
            assertEquals(0, m.commandErrors(), m::toString);
            assertEquals(0, m.reconnects(), m::toString);
            // every command answered is timed: at least the script load, the heartbeat and the subscribe
            assertTrue(m.roundTrips() >= 3, m::toString);
            assertTrue(m.roundTripNanos() > 0, m::toString);
            long previous = 0;
            for (long bucket : m.roundTripBuckets()) {
                assertTrue(bucket >= previous && bucket <= m.roundTrips(), m::toString);
                previous = bucket;
            }
            assertTrue(previous > 0, "a command on 127.0.0.1 took less than 2.5 s: " + m);
        }
        assertTrue(ma.roundTrips() >= 5 + 2, "five scripts and more: " + ma);

        JdkHubClient resuming = nodes.client(0);
        resuming.send("{\"type\":\"subscribe\",\"id\":\"r\",\"topic\":\"flow\",\"since\":2}");
        resuming.next("subscribed");
        assertEquals(3, messages(resuming, 3).size());
        assertTrue(metrics(a).messagesRead() >= 3, () -> metrics(a).toString());
        assertEquals(0, metrics(b).messagesRead());
    }

    @Test
    void redisGoneCountsErrorsAndDropsTheLinksWhichComeBackAsReconnects() throws Exception {
        Hub a = node(Duration.ofSeconds(5));
        JdkHubClient onA = nodes.client(0);
        onA.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"down\"}");
        onA.next("subscribed"); // A holds a Redis subscription now
        ClusterMetrics before = metrics(a);
        assertEquals(0, before.commandErrors(), before::toString);

        nodes.redis().stop();
        ClusterMetrics down = await(a, "links down", m -> !m.commandLinkUp() && !m.pubSubLinkUp()
                && m.unreachableMillis() > 0);
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> a.publish("down", "1").get(10, TimeUnit.SECONDS));
        assertEquals("unavailable", assertInstanceOf(HubException.class, refused.getCause()).code());
        ClusterMetrics failed = await(a, "errors", m -> m.commandErrors() > down.commandErrors());
        assertEquals(0, failed.messagesOut(), failed::toString);
        assertEquals(0, failed.reconnects(), failed::toString);
        assertTrue(failed.unreachableMillis() >= down.unreachableMillis(), failed::toString);

        nodes.redis().start();
        ClusterMetrics back = await(a, "reconnects", m -> m.commandLinkUp() && m.pubSubLinkUp()
                && m.reconnects() >= 2 && m.unreachableMillis() == 0);
        assertEquals(2, back.reconnects(), () -> "one reconnect per connection: " + back);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                a.publish("down", "2").get(10, TimeUnit.SECONDS);
                break;
            } catch (ExecutionException e) {
                assertTrue(System.nanoTime() < deadline, "Redis still refuses publishes 20 s after it came back");
                TimeUnit.MILLISECONDS.sleep(50); // polling with a deadline for the reconnect
            }
        }
        assertEquals(1, metrics(a).messagesOut());
    }

    @Test
    void aFrozenRedisCountsTimeoutsAndIsUnreachableUntilItAnswersAgain() throws Exception {
        Hub a = node(Duration.ofMillis(500));
        assertEquals("+OK", nodes.redis().command("CLIENT PAUSE 3000"));
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> a.publish("frozen", "1").get(10, TimeUnit.SECONDS));
        assertEquals("unavailable", assertInstanceOf(HubException.class, refused.getCause()).code());
        ClusterMetrics frozen = await(a, "a timeout", m -> m.commandTimeouts() >= 1 && m.unreachableMillis() > 0);
        assertTrue(frozen.commandErrors() >= frozen.commandTimeouts(), frozen::toString);
        assertTrue(frozen.commandLinkUp() && frozen.pubSubLinkUp(), "the connections stay up: " + frozen);
        // once the pause ends, the next heartbeat (once a second) is answered
        await(a, "an answer", m -> m.unreachableMillis() == 0);
    }
}
