package dev.duplex.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Topics are reclaimed once nobody needs them (no subscriber, no kept history), the topic limit counts live topics
 * only, a reclaimed topic that comes back never repeats a seq, and connections create topics at a bounded rate.
 */
class HubTopicLifecycleTest {
    private final List<Hub> hubs = new ArrayList<>();
    private final MutableClock clock = new MutableClock();

    private Hub hub(HubLimits limits, int history) {
        Hub hub = Hub.builder().inMemory().history(history, Duration.ofHours(1)).limits(limits).clock(clock)
                .pruneInterval(Duration.ofMillis(10)).fanout(Fanout.DIRECT).build();
        hubs.add(hub);
        return hub;
    }

    @AfterEach
    void close() {
        hubs.forEach(Hub::close);
    }

    @Test
    void aTopicWithHistoryIsKeptUntilItsMessagesExpireThenReclaimedAndComesBackAboveItsOldSeqs() throws Exception {
        Hub hub = hub(HubLimits.defaults(), 100);
        for (int i = 1; i <= 3; i++) {
            hub.publish("news", Integer.toString(i)).get(10, TimeUnit.SECONDS);
        }
        FakePeer reader = new FakePeer(hub, "reader");
        reader.request("{\"type\":\"subscribe\",\"topic\":\"news\"}");
        reader.next("subscribed");
        clock.advance(Duration.ofHours(2)); // history expired, but a subscriber keeps the topic
        hub.publish("barrier", "1").get(10, TimeUnit.SECONDS);
        reader.request("{\"type\":\"unsubscribe\",\"topic\":\"news\"}");
        reader.next("unsubscribed");
        waitFor(() -> hub.topics().stream().noneMatch(t -> t.name().equals("news")));
        assertTrue(hub.metrics().topicsReclaimed() >= 1);

        assertEquals(4, hub.publish("news", "\"again\"").get(10, TimeUnit.SECONDS).seq());
        // a topic created after a reclaim starts above the reclaim floor too (one floor for the whole hub)
        assertTrue(hub.publish("fresh", "1").get(10, TimeUnit.SECONDS).seq() > 3);
    }

    @Test
    void aTopicWithKeptHistoryAndNoSubscriberStays() throws Exception {
        Hub hub = hub(HubLimits.defaults(), 100);
        hub.publish("kept", "1").get(10, TimeUnit.SECONDS);
        FakePeer p = new FakePeer(hub, "p");
        p.request("{\"type\":\"subscribe\",\"topic\":\"other\"}");
        p.next("subscribed");
        p.request("{\"type\":\"unsubscribe\",\"topic\":\"other\"}");
        p.next("unsubscribed");
        waitFor(() -> hub.metrics().topicsReclaimed() == 1); // "other" had no history: reclaimed
        assertEquals(List.of(new TopicInfo("kept", 1, 0)), hub.topics());
        p.request("{\"type\":\"subscribe\",\"topic\":\"kept\",\"history\":5}");
        p.next("subscribed");
        assertEquals(1, p.next("message").get("seq").asLong());
    }

    @Test
    void theTopicLimitCountsLiveTopicsOnly() throws Exception {
        Hub hub = hub(HubLimits.builder().maxTopics(2).build(), 0); // no history: unsubscribed topics go soon
        FakePeer p = new FakePeer(hub, "p");
        FakePeer q = new FakePeer(hub, "q");
        p.request("{\"type\":\"subscribe\",\"topic\":\"a\"}");
        p.next("subscribed");
        q.request("{\"type\":\"subscribe\",\"topic\":\"b\"}");
        q.next("subscribed");
        p.request("{\"type\":\"subscribe\",\"topic\":\"c\"}");
        p.error("too_many_topics");
        q.request("{\"type\":\"unsubscribe\",\"topic\":\"b\"}");
        q.next("unsubscribed");
        waitFor(() -> hub.topics().size() == 1);
        p.request("{\"type\":\"subscribe\",\"topic\":\"c\"}");
        p.next("subscribed");
        p.request("{\"type\":\"publish\",\"topic\":\"d\",\"data\":1,\"ack\":true}");
        p.error("too_many_topics");
        assertEquals(List.of("a", "c"), hub.topics().stream().map(TopicInfo::name).toList());
        // many more topics than the limit, one after the other, as each is reclaimed
        for (int i = 0; i < 10; i++) {
            p.request("{\"type\":\"unsubscribe\",\"topic\":\"c\"}");
            p.next("unsubscribed");
            waitFor(() -> hub.topics().size() == 1);
            p.request("{\"type\":\"publish\",\"id\":\"" + i + "\",\"topic\":\"t" + i + "\",\"data\":1,\"ack\":true}");
            p.next("ack");
            waitFor(() -> hub.topics().size() == 1);
            p.request("{\"type\":\"subscribe\",\"topic\":\"c\"}");
            p.next("subscribed");
        }
        assertTrue(hub.metrics().topicsReclaimed() >= 21);
    }

    @Test
    void aReclaimedTopicNeverRepeatsASeqEvenWithoutHistory() throws Exception {
        Hub hub = hub(HubLimits.defaults(), 0);
        long last = 0;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 3; i++) {
                long seq = hub.publish("ticks", "1").get(10, TimeUnit.SECONDS).seq();
                assertTrue(seq > last, seq + " after " + last);
                last = seq;
            }
            waitFor(() -> hub.topics().isEmpty()); // no subscriber, no history: reclaimed
        }
        assertTrue(hub.metrics().topicsReclaimed() >= 3);
    }

    @Test
    void connectionsCreateTopicsAtABoundedRateButServerCodeDoesNot() throws Exception {
        Hub hub = hub(HubLimits.builder().topicCreationRate(1, 2).build(), 10);
        FakePeer p = new FakePeer(hub, "p");
        p.request("{\"type\":\"publish\",\"id\":\"1\",\"topic\":\"t1\",\"data\":1,\"ack\":true}");
        p.next("ack");
        p.request("{\"type\":\"subscribe\",\"id\":\"2\",\"topic\":\"t2\"}");
        p.next("subscribed");
        p.request("{\"type\":\"publish\",\"id\":\"3\",\"topic\":\"t3\",\"data\":1,\"ack\":true}");
        assertEquals("3", p.error("topic_rate_limited").get("id").asText());
        p.request("{\"type\":\"subscribe\",\"id\":\"4\",\"topic\":\"t4\"}");
        assertEquals("4", p.error("topic_rate_limited").get("id").asText());
        p.request("{\"type\":\"publish\",\"id\":\"5\",\"topic\":\"t1\",\"data\":2,\"ack\":true}");
        assertEquals(2, p.next("ack").get("seq").asLong()); // an existing topic is not limited
        for (int i = 0; i < 5; i++) {
            hub.publish("server" + i, "1").get(10, TimeUnit.SECONDS);
        }
        assertEquals(2, hub.metrics().topicCreationsRefused());
        CompletableFuture<Published> ok = hub.publish("server-more", "1");
        assertEquals(1, ok.get(10, TimeUnit.SECONDS).seq());
    }

    @Test
    void theTopicCreationRateIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> HubLimits.builder().topicCreationRate(0, 1));
        assertThrows(IllegalArgumentException.class, () -> HubLimits.builder().topicCreationRate(1, 0));
        assertEquals(10, HubLimits.defaults().topicCreationsPerSecond());
        assertEquals(50, HubLimits.defaults().topicCreationBurst());
    }

    static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
