package dev.duplex.app;

import dev.duplex.testkit.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class DemoFeedTest {

    @Test
    void publishesNumberedValuesInRangeToItsTopic() throws Exception {
        List<String> topics = new CopyOnWriteArrayList<>();
        List<String> bodies = new CopyOnWriteArrayList<>();
        CountDownLatch five = new CountDownLatch(5);
        try (DemoFeed feed = new DemoFeed("live.test", Duration.ofMillis(10), (topic, json) -> {
            topics.add(topic);
            bodies.add(json);
            five.countDown();
        }, e -> { }, new Random(1)).start()) {
            assertTrue(five.await(10, TimeUnit.SECONDS), "five updates within 10 s");
        }
        assertTrue(topics.stream().allMatch("live.test"::equals));
        for (int i = 0; i < 5; i++) {
            Map<String, Object> update = Json.parseObject(bodies.get(i));
            assertEquals((long) i + 1, update.get("n"));
            double value = ((Number) update.get("value")).doubleValue();
            assertTrue(value >= 0 && value <= 100, "value in [0, 100]: " + value);
        }
    }

    @Test
    void closeStopsPublishing() throws Exception {
        AtomicInteger published = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(2);
        DemoFeed feed = new DemoFeed("t", Duration.ofMillis(5), (topic, json) -> {
            published.incrementAndGet();
            started.countDown();
        }, e -> { }, new Random(2)).start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        feed.close();
        assertTrue(feed.isStopped(), "the feed's thread has ended when close returns");
        int atClose = published.get();
        assertTrue(atClose >= 2);
    }

    @Test
    void aThrowingPublisherIsReportedAndTheFeedGoesOn() throws Exception {
        CountDownLatch errors = new CountDownLatch(3);
        try (DemoFeed feed = new DemoFeed("t", Duration.ofMillis(5), (topic, json) -> {
            throw new IllegalStateException("hub stopped");
        }, e -> errors.countDown(), new Random(3)).start()) {
            assertTrue(errors.await(10, TimeUnit.SECONDS), "three errors reported: the feed kept running");
        }
    }

    @Test
    void refusesAZeroInterval() {
        assertThrows(IllegalArgumentException.class,
                () -> new DemoFeed("t", Duration.ZERO, (a, b) -> { }, e -> { }, new Random()));
    }
}
