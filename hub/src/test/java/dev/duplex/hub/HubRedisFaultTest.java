package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three hub nodes (three servers on 127.0.0.1) over one real redis-server, under faults and random interleavings.
 * Every subscriber's stream is checked as it arrives by a {@link Watcher}: per topic the seqs continue exactly
 * where the subscription started (the {@code subscribed} seq, or {@code since}), one by one, each once, with holes
 * only where a {@code gap} announced them; every message carries the data its publisher got the ack for.
 */
@Timeout(120)
class HubRedisFaultTest {
    /** Generous per-connection rates: these tests publish and subscribe faster than a person would. */
    private static final HubLimits LIMITS = HubLimits.builder().publishRate(100_000, 100_000)
            .requestRate(100_000, 100_000).topicCreationRate(10_000, 10_000).build();
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    @RegisterExtension
    final HubNodes nodes = HubNodes.onRedis();
    /** seq → data of every acked publish, per topic, from every watcher: what subscribers must be shown. */
    private final Map<String, Map<Long, String>> ackedData = new HashMap<>();
    /** Appended to every failure of the watchers made from now on: the seed of a random run. */
    private String context = "";

    @BeforeEach
    void startThreeNodes() throws Exception {
        for (int i = 0; i < 3; i++) {
            nodes.node(Hub.builder().redis(nodes.redis().uri()).redisTimeout(Duration.ofSeconds(2)).limits(LIMITS)
                    .errorHandler(e -> { })); // Redis going away is reported there; the streams are what is checked
        }
    }

    private Watcher watcher(int node, String label) throws Exception {
        Watcher w = new Watcher(nodes.connect(node), label + "@node" + node, ackedData, context);
        w.await(() -> w.welcomed, "the welcome");
        return w;
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void redisRestartedInTheMiddleOfAPublishStreamLosesNoAckedMessageAndDuplicatesNone() throws Exception {
        List<Watcher> subscribers = new ArrayList<>();
        for (int node = 0; node < 3; node++) {
            Watcher w = watcher(node, "sub");
            w.subscribe("stream", null);
            subscribers.add(w);
        }
        for (Watcher w : subscribers) {
            w.await(() -> w.subscribed("stream"), "the subscribed reply");
        }
        Watcher publisher = watcher(0, "pub");
        int total = 150;
        int restartAt = 50;
        int refusalsWhileDown = 30; // more than the 20-error burst that closes an abusive connection
        CountDownLatch stopped = new CountDownLatch(1);
        CompletableFuture<Void> restart = null;
        int retries = 0;
        for (int i = 1; i <= total; i++) {
            if (i == restartAt) {
                restart = CompletableFuture.runAsync(() -> {
                    try {
                        nodes.redis().stop(); // saves first: the data (seqs and logs) come back with start()
                        stopped.countDown();
                        long deadline = System.nanoTime() + WAIT_NANOS;
                        while (publisher.refused.get() < refusalsWhileDown) {
                            assertTrue(System.nanoTime() < deadline, "the publisher was not refused while Redis was down");
                            TimeUnit.MILLISECONDS.sleep(10); // polling with a deadline
                        }
                        nodes.redis().start();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertTrue(stopped.await(20, TimeUnit.SECONDS));
            }
            // publish until acked: "unavailable" means not confirmed, so the same data goes again
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (publisher.publishAndWait("stream", "{\"i\":" + i + "}") == null) {
                retries++;
                assertTrue(System.nanoTime() < deadline, "message " + i + " never acked; Redis back?");
                TimeUnit.MILLISECONDS.sleep(5); // a retrying client's pause, not a wait for an event
            }
        }
        assertNotNull(restart);
        restart.get(30, TimeUnit.SECONDS);
        assertTrue(retries >= refusalsWhileDown, "retries: " + retries);
        assertEquals(total, publisher.acks("stream").size());
        long last = publisher.lastAcked("stream");
        for (Watcher w : subscribers) {
            w.await(() -> w.seen("stream") >= last, "every acked message");
            w.assertHasEveryAckedOnce("stream", publisher.acks("stream"), "");
        }
        fence("stream", publisher, subscribers, "");
    }

    @Test
    void aNodeJoiningABusyTopicGivesItsNewSubscribersNoGapAndNoDuplicate() throws Exception {
        Watcher onA = watcher(0, "subA");
        Watcher onB = watcher(1, "subB");
        onA.subscribe("busy", null);
        onB.subscribe("busy", null);
        onA.await(() -> onA.subscribed("busy"), "subscribed");
        onB.await(() -> onB.subscribed("busy"), "subscribed");
        // two publishers on A and B, each keeping up to 20 acked publishes in flight: at least 200 each, and
        // 50 each after node C's subscribers are in place
        Watcher pubA = watcher(0, "pubA");
        Watcher pubB = watcher(1, "pubB");
        AtomicInteger published = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean joined = new java.util.concurrent.atomic.AtomicBoolean();
        List<CompletableFuture<Void>> streams = new ArrayList<>();
        for (Watcher p : List.of(pubA, pubB)) {
            streams.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0, after = 0; i < 200 || after < 50; i++) {
                        after += joined.get() ? 1 : 0;
                        p.publish("busy", "{\"by\":\"" + p.label + "\",\"i\":" + i + "}");
                        published.incrementAndGet();
                        int inFlight = i + 1;
                        p.await(() -> inFlight - p.answered() <= 20, "acks");
                    }
                    p.await(() -> p.answered() == p.sent(), "the last acks");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (published.get() < 60) {
            assertTrue(System.nanoTime() < deadline, "the publishers do not get going");
            TimeUnit.MILLISECONDS.sleep(5); // polling with a deadline
        }
        // node C has no subscriber on "busy" yet: these subscribes make it join the topic in mid-stream
        Watcher fromStart = watcher(2, "since0");
        Watcher live = watcher(2, "live");
        fromStart.subscribe("busy", 0L);
        live.subscribe("busy", null);
        Watcher late = watcher(2, "since5");
        late.subscribe("busy", 5L);
        for (Watcher w : List.of(fromStart, live, late)) {
            w.await(() -> w.holds("busy"), "the subscribed reply");
        }
        joined.set(true);
        CompletableFuture.allOf(streams.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        long total = pubA.sent() + pubB.sent();
        assertTrue(live.startOf("busy") > 0, "C joined before the stream: " + live.startOf("busy"));
        assertTrue(live.startOf("busy") <= total - 100, "C joined at " + live.startOf("busy") + " of " + total);
        Map<Long, String> acked = new HashMap<>(pubA.acks("busy"));
        acked.putAll(pubB.acks("busy"));
        assertEquals(total, acked.size(), "every publish acked with its own seq");
        List<Watcher> all = List.of(onA, onB, fromStart, live, late);
        for (Watcher w : all) {
            w.await(() -> w.seen("busy") >= total, "every message");
            w.assertHasEveryAckedOnce("busy", acked, "");
        }
        assertEquals(total, fromStart.delivered("busy").size(), "since 0 replays everything");
        fence("busy", pubA, all, "");
    }

    @Test
    void aClientResumingOnANodeThatLagsBehindItsOldOneGetsNothingTwice() throws Exception {
        // node 3 reaches Redis through a proxy that can hold back what Redis's pub/sub sends it
        try (TcpProxy proxy = proxiedNode(new ConcurrentLinkedQueue<>())) {
            Watcher there = watcher(3, "there");
            Watcher mover = watcher(0, "mover");
            there.subscribe("lag", null);
            mover.subscribe("lag", null);
            there.await(() -> there.holds("lag"), "subscribed");
            mover.await(() -> mover.holds("lag"), "subscribed");
            Watcher publisher = watcher(0, "pub");
            for (int i = 1; i <= 5; i++) {
                assertNotNull(publisher.publishAndWait("lag", Integer.toString(i)));
            }
            there.await(() -> there.seen("lag") == 5, "the first five");
            mover.await(() -> mover.seen("lag") == 5, "the first five");

            proxy.holdOthers();
            for (int i = 6; i <= 10; i++) {
                assertNotNull(publisher.publishAndWait("lag", Integer.toString(i)));
            }
            mover.await(() -> mover.seen("lag") == 10, "6 to 10 on its own node");
            assertEquals(5, there.seen("lag"), "node 3 has not got 6 to 10 yet");
            // the client leaves node 0 after seq 10 and resumes on node 3, which delivered only up to 5 so far
            mover.close();
            Watcher moved = watcher(3, "moved");
            moved.subscribe("lag", 10L);
            moved.continues("lag", mover);
            moved.await(() -> moved.holds("lag"), "subscribed"); // checks subscribed.seq >= 10
            proxy.release();
            assertNotNull(publisher.publishAndWait("lag", "11"));
            moved.await(() -> moved.seen("lag") >= 11, "11");
            there.await(() -> there.seen("lag") >= 11, "6 to 11");
            assertEquals(List.of(11L), moved.delivered("lag").subList(10, moved.delivered("lag").size()));
            Map<Long, String> acked = publisher.acks("lag");
            moved.assertHasEveryAckedOnce("lag", acked, "");
            there.assertHasEveryAckedOnce("lag", acked, "");
            fence("lag", publisher, List.of(moved, there), "");
        }
    }

    @Test
    void aNodeThatCannotReadTheLogForAWhileCatchesUpLaterInsteadOfAnnouncingAGap() throws Exception {
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try (TcpProxy proxy = proxiedNode(errors)) {
            Watcher there = watcher(3, "there");
            there.subscribe("kept", null);
            there.await(() -> there.holds("kept"), "subscribed");
            Watcher publisher = watcher(0, "pub");
            for (int i = 1; i <= 5; i++) {
                assertNotNull(publisher.publishAndWait("kept", Integer.toString(i)));
            }
            there.await(() -> there.seen("kept") == 5, "the first five");
            // node 3 misses 6 to 10 (its pub/sub link is held, then cut) while its command link answers nothing
            proxy.holdOthers();
            for (int i = 6; i <= 10; i++) {
                assertNotNull(publisher.publishAndWait("kept", Integer.toString(i)));
            }
            proxy.holdFirst();
            proxy.dropOthers(); // Lettuce reconnects the pub/sub link at once; node 3 cannot read the log
            there.await(() -> errors.stream().anyMatch(e -> String.valueOf(e.getMessage()).contains("seq of")),
                    "node 3's failed catch-up after the resubscribe");
            // 11 comes live with a hole before it that node 3 cannot read now: no gap may be announced for 6 to 10
            assertNotNull(publisher.publishAndWait("kept", "11"));
            Watcher probe = watcher(3, "probe"); // its publish queues behind 11 on node 3's writer
            assertEquals(null, probe.publishAndWait("elsewhere", "0"), "node 3 cannot reach Redis's commands");
            proxy.release();
            assertNotNull(publisher.publishAndWait("kept", "12"));
            there.await(() -> there.seen("kept") >= 12, "6 to 12, late");
            there.assertHasEveryAckedOnce("kept", publisher.acks("kept"), "");
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L), there.delivered("kept"));
        }
    }

    /** Node 3: a hub reaching Redis through a new proxy (returned), its errors into {@code errors}. */
    private TcpProxy proxiedNode(ConcurrentLinkedQueue<Throwable> errors) throws Exception {
        TcpProxy proxy = new TcpProxy(Integer.parseInt(nodes.redis().uri().replaceAll(".*:", "")));
        nodes.node(Hub.builder().redis("redis://127.0.0.1:" + proxy.port()).redisTimeout(Duration.ofSeconds(1))
                .limits(LIMITS).errorHandler(errors::add));
        return proxy;
    }

    /**
     * Random interleavings, one seed each round (printed in every assertion message; rerun one with
     * {@code -Dduplex.seed=N}): clients on random nodes publish (acked, several in flight), subscribe live or with
     * {@code since}, unsubscribe, resubscribe with the last seq they saw, and move to another node resuming there.
     */
    @Test
    void randomInterleavingsOfPublishesSubscribesAndMovesKeepEveryStreamWholeOnEveryNode() throws Exception {
        long base = Long.getLong("duplex.seed", System.nanoTime());
        int rounds = Long.getLong("duplex.seed") != null ? 1 : 3;
        for (int round = 0; round < rounds; round++) {
            runSeed(base + round);
        }
    }

    private void runSeed(long seed) throws Exception {
        String why = " [seed " + seed + ", rerun with -Dduplex.seed=" + seed + "]";
        context = why;
        Random random = new Random(seed);
        List<String> topics = List.of("r" + seed + "a", "r" + seed + "b");
        List<Watcher> watchers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            watchers.add(watcher(random.nextInt(3), "w" + i));
        }
        List<Watcher> retired = new ArrayList<>();
        for (int step = 0; step < 150; step++) {
            int pick = random.nextInt(watchers.size());
            Watcher w = watchers.get(pick);
            String topic = topics.get(random.nextInt(topics.size()));
            int op = random.nextInt(100);
            if (op < 55) {
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    w.publish(topic, "{\"w\":\"" + w.label + "\",\"step\":" + step + ",\"n\":" + n + "}");
                }
            } else if (op < 75) {
                if (!w.holds(topic) && !w.busy(topic)) {
                    Long since = w.lastSeen(topic);
                    if (since == null && random.nextBoolean()) {
                        since = 0L; // the whole history
                    }
                    w.subscribe(topic, since);
                }
            } else if (op < 85) {
                if (w.holds(topic) && !w.busy(topic)) {
                    w.unsubscribe(topic);
                    if (random.nextBoolean()) { // and straight back, where it left off
                        w.await(() -> !w.busy(topic), "the unsubscribed reply" + why);
                        w.subscribe(topic, w.lastSeen(topic));
                    }
                }
            } else if (op < 95) {
                // the client leaves its node and resumes every topic on another one
                w.close();
                retired.add(w);
                Watcher moved = watcher(random.nextInt(3), w.label + "'");
                for (String t : topics) {
                    if (w.lastSeen(t) != null) {
                        moved.subscribe(t, w.lastSeen(t));
                        moved.continues(t, w);
                    }
                }
                watchers.set(pick, moved);
            } else {
                // a pause in this client's stream: all its publishes answered
                w.await(() -> w.answered() == w.sent(), "its acks" + why);
            }
        }
        for (Watcher w : watchers) {
            w.await(() -> w.answered() == w.sent(), "the last acks" + why);
            w.await(() -> w.pendingSubscribes() == 0, "the subscribe replies" + why);
        }
        for (String topic : topics) {
            Map<Long, String> acked = ackedData.getOrDefault(topic, Map.of());
            long last = acked.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
            for (Watcher w : watchers) {
                if (w.subscribed(topic)) {
                    w.await(() -> w.seen(topic) >= last, "every acked message of " + topic + why);
                    w.assertHasEveryAckedOnce(topic, acked, why);
                }
            }
        }
        for (Watcher w : watchers) {
            assertEquals(0, w.refused.get(), () -> w.label + " had publishes refused" + why);
            w.assertNoViolation(why);
        }
        for (Watcher w : retired) {
            w.assertNoViolation(why);
        }
        for (String topic : topics) {
            List<Watcher> onTopic = watchers.stream().filter(w -> w.subscribed(topic)).toList();
            fence(topic, watchers.get(0), onTopic, why);
        }
        for (Watcher w : watchers) {
            w.close();
        }
        context = "";
    }

    /** One more publish: the next thing every subscriber gets on the topic is exactly it (nothing twice before). */
    private static void fence(String topic, Watcher publisher, List<Watcher> subscribers, String why) throws Exception {
        JsonNode ack = publisher.publishAndWait(topic, "\"fence\"");
        assertNotNull(ack, "the fence was refused" + why);
        long seq = ack.get("seq").asLong();
        for (Watcher w : subscribers) {
            w.await(() -> w.seen(topic) >= seq, "the fence" + why);
            List<Long> got = w.delivered(topic);
            assertEquals(seq, got.get(got.size() - 1), w.label + why);
            w.assertNoViolation(why);
        }
    }

    // ------------------------------------------------------------------------------------------------ watcher

    /**
     * One client and the check of everything it receives, as it arrives (frames are read on the test thread from
     * the client's queue). A violation of the stream invariant is recorded with the frame and fails the next
     * assertion on this watcher.
     */
    static final class Watcher {
        final JdkHubClient client;
        final String label;
        final AtomicInteger refused = new AtomicInteger();
        private final Map<String, Map<Long, String>> ackedData;
        private final String context;
        private final List<String> violations = new ArrayList<>();
        private boolean welcomed;
        private int nextId;
        private int sent;
        private int answered;
        /** Subscribe requests awaiting their reply: id → the since sent (null: live). */
        private final Map<String, Long> pendingSubscribe = new LinkedHashMap<>();
        private final Map<String, String> subscribeTopic = new HashMap<>();
        /** Topics with an unsubscribe sent and no reply yet. */
        private final Map<String, String> pendingUnsubscribe = new HashMap<>();
        /** Per subscribed topic: the next seq this subscriber must get. */
        private final Map<String, Long> expected = new HashMap<>();
        /** Per topic: the seq the subscription (first) started after. */
        private final Map<String, Long> start = new HashMap<>();
        /** Per topic: the last seq delivered or announced as a gap, over all subscriptions of this client. */
        private final Map<String, Long> lastSeen = new HashMap<>();
        private final Map<String, List<Long>> delivered = new HashMap<>();
        /** Per topic: seq → the data delivered with it. */
        private final Map<String, Map<Long, String>> deliveredData = new HashMap<>();
        /** Publishes: id → [topic, data]. */
        private final Map<String, String[]> publishes = new HashMap<>();
        private final Map<String, Map<Long, String>> acks = new HashMap<>();
        private final List<JsonNode> replies = new ArrayList<>();

        Watcher(JdkHubClient client, String label, Map<String, Map<Long, String>> ackedData, String context) {
            this.client = client;
            this.label = label;
            this.ackedData = ackedData;
            this.context = context;
        }

        void subscribe(String topic, Long since) throws Exception {
            String id = "s" + nextId++;
            pendingSubscribe.put(id, since);
            subscribeTopic.put(id, topic);
            client.send("{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"topic\":\"" + topic + "\""
                    + (since != null ? ",\"since\":" + since : "") + "}");
        }

        void unsubscribe(String topic) throws Exception {
            String id = "u" + nextId++;
            pendingUnsubscribe.put(topic, id);
            client.send("{\"type\":\"unsubscribe\",\"id\":\"" + id + "\",\"topic\":\"" + topic + "\"}");
        }

        /** This client resumes where {@code previous} (the same user on another connection) left the topic. */
        void continues(String topic, Watcher previous) {
            delivered.computeIfAbsent(topic, t -> new ArrayList<>()).addAll(previous.delivered(topic));
            if (previous.start.containsKey(topic)) {
                start.put(topic, previous.start.get(topic));
            }
        }

        String publish(String topic, String data) throws Exception {
            String id = "p" + nextId++;
            publishes.put(id, new String[] {topic, data});
            sent++;
            client.send("{\"type\":\"publish\",\"id\":\"" + id + "\",\"topic\":\"" + topic + "\",\"data\":" + data
                    + ",\"ack\":true}");
            return id;
        }

        /** Publishes and waits for the answer: the ack, or null if refused ({@code unavailable}). */
        JsonNode publishAndWait(String topic, String data) throws Exception {
            String id = publish(topic, data);
            await(() -> replies.stream().anyMatch(r -> id.equals(r.path("id").asText())), "the answer to " + id);
            JsonNode r = replies.stream().filter(n -> id.equals(n.path("id").asText())).findFirst().orElseThrow();
            if (r.get("type").asText().equals("ack")) {
                return r;
            }
            assertEquals("unavailable", r.path("code").asText(), () -> label + ": " + r);
            return null;
        }

        int sent() {
            return sent;
        }

        int answered() {
            return answered;
        }

        int pendingSubscribes() {
            return pendingSubscribe.size();
        }

        boolean subscribed(String topic) {
            return expected.containsKey(topic) && !pendingUnsubscribe.containsKey(topic);
        }

        /** Whether a subscription to the topic is in place (its reply came, no unsubscribe sent). */
        boolean holds(String topic) {
            return expected.containsKey(topic);
        }

        /** Whether a subscribe or unsubscribe of the topic awaits its reply. */
        boolean busy(String topic) {
            return pendingUnsubscribe.containsKey(topic) || subscribeTopic.containsValue(topic);
        }

        Long lastSeen(String topic) {
            return lastSeen.get(topic);
        }

        long startOf(String topic) {
            Long s = start.get(topic);
            assertNotNull(s, label + " never subscribed to " + topic);
            return s;
        }

        long seen(String topic) {
            return lastSeen.getOrDefault(topic, -1L);
        }

        List<Long> delivered(String topic) {
            return delivered.getOrDefault(topic, List.of());
        }

        Map<Long, String> acks(String topic) {
            return acks.getOrDefault(topic, Map.of());
        }

        long lastAcked(String topic) {
            return acks(topic).keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        }

        /** Reads frames until {@code done} holds; fails after 20 s. */
        void await(BooleanSupplier done, String what) throws Exception {
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (true) {
                JsonNode n;
                while ((n = client.received.poll()) != null) {
                    handle(n);
                }
                assertNoViolation("");
                if (done.getAsBoolean()) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail(label + ": no " + what + " within 20 s; last seen " + lastSeen + ", expected next "
                            + expected + (client.closed.isDone() ? "; the connection closed: " + closeOf() : "")
                            + context);
                }
                n = client.received.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
                if (n != null) {
                    handle(n);
                }
            }
        }

        private String closeOf() {
            try {
                return String.valueOf(client.closed.getNow(null));
            } catch (RuntimeException e) {
                return e.toString();
            }
        }

        void close() throws Exception {
            await(() -> true, "");
            client.close();
            JsonNode n;
            while ((n = client.received.poll()) != null) {
                handle(n);
            }
        }

        void assertNoViolation(String why) {
            assertTrue(violations.isEmpty(), () -> label + ": " + violations + (why.isEmpty() ? context : why));
        }

        /** Each acked seq of the topic at or after where this client started was delivered to it once, in order. */
        void assertHasEveryAckedOnce(String topic, Map<Long, String> acked, String why) {
            assertNoViolation(why);
            List<Long> got = delivered(topic);
            for (int i = 1; i < got.size(); i++) {
                assertTrue(got.get(i - 1) < got.get(i), label + " got " + got + why);
            }
            java.util.Set<Long> set = new java.util.HashSet<>(got);
            long from = startOf(topic);
            Map<Long, String> data = deliveredData.getOrDefault(topic, Map.of());
            acked.forEach((seq, ackedAs) -> {
                if (seq > from) {
                    assertTrue(set.contains(seq), label + " never got acked seq " + seq + " (started after "
                            + from + ", got " + got + ")" + why);
                    if (data.containsKey(seq)) { // a moved client's earlier deliveries were checked on arrival
                        assertEquals(ackedAs, data.get(seq), label + ": the data of seq " + seq + why);
                    }
                }
            });
        }

        private void handle(JsonNode n) {
            String type = n.path("type").asText();
            String id = n.path("id").asText(null);
            String topic = n.path("topic").asText(null);
            switch (type) {
                case "welcome" -> welcomed = true;
                case "subscribed" -> {
                    Long since = pendingSubscribe.remove(id);
                    if (!subscribeTopic.containsKey(id) || !topic.equals(subscribeTopic.remove(id))) {
                        violations.add("unexpected " + n);
                        return;
                    }
                    long seq = n.get("seq").asLong();
                    if (since != null && since > seq) {
                        violations.add("subscribed.seq " + seq + " below since " + since + " (Redis kept it): " + n);
                    }
                    long after = since == null ? seq : Math.min(since, seq);
                    expected.put(topic, after + 1);
                    start.putIfAbsent(topic, after);
                    Long before = lastSeen.get(topic);
                    if (before == null || before < after) {
                        lastSeen.put(topic, after);
                    }
                }
                case "unsubscribed" -> {
                    if (!id.equals(pendingUnsubscribe.remove(topic))) {
                        violations.add("unexpected " + n);
                    }
                    expected.remove(topic);
                }
                case "message" -> {
                    Long next = expected.get(topic);
                    long seq = n.get("seq").asLong();
                    if (next == null) {
                        violations.add("a message outside a subscription: " + n);
                        return;
                    }
                    if (seq != next) {
                        violations.add("expected seq " + next + ", got " + n);
                    }
                    expected.put(topic, Math.max(next, seq + 1));
                    lastSeen.put(topic, Math.max(seq, lastSeen.getOrDefault(topic, 0L)));
                    delivered.computeIfAbsent(topic, t -> new ArrayList<>()).add(seq);
                    deliveredData.computeIfAbsent(topic, t -> new HashMap<>()).put(seq, n.get("data").toString());
                    String shouldBe;
                    synchronized (ackedData) {
                        shouldBe = ackedData.getOrDefault(topic, Map.of()).get(seq);
                    }
                    if (shouldBe != null && !shouldBe.equals(n.get("data").toString())) {
                        violations.add("seq " + seq + " was acked for " + shouldBe + ": " + n);
                    }
                }
                case "gap" -> {
                    Long next = expected.get(topic);
                    if (next == null || n.get("from").asLong() != next || n.get("to").asLong() < next) {
                        violations.add("gap not where the stream was (next " + next + "): " + n);
                        return;
                    }
                    expected.put(topic, n.get("to").asLong() + 1);
                    lastSeen.put(topic, n.get("to").asLong());
                }
                case "ack" -> {
                    answered++;
                    replies.add(n);
                    String[] p = publishes.get(id);
                    if (p == null || !p[0].equals(topic)) {
                        violations.add("an ack for nothing sent: " + n);
                        return;
                    }
                    long seq = n.get("seq").asLong();
                    String data = FakePeer.JSON.valueToTree(parse(p[1])).toString();
                    acks.computeIfAbsent(topic, t -> new HashMap<>()).put(seq, data);
                    synchronized (ackedData) {
                        String other = ackedData.computeIfAbsent(topic, t -> new HashMap<>()).putIfAbsent(seq, data);
                        if (other != null && !other.equals(data)) {
                            violations.add("seq " + seq + " acked twice, for " + other + " and " + data);
                        }
                    }
                }
                case "error" -> {
                    if (id == null) {
                        // a notice (Redis link lost): allowed, it is not a reply
                        if (!n.path("code").asText().equals("unavailable")) {
                            violations.add("unexpected notice " + n);
                        }
                        return;
                    }
                    if (publishes.containsKey(id)) {
                        answered++;
                        refused.incrementAndGet();
                        replies.add(n);
                    } else {
                        violations.add("a request failed: " + n);
                    }
                }
                case "join", "leave", "pong" -> {
                    // presence is not what these tests check
                }
                default -> violations.add("unexpected " + n);
            }
        }

        private static JsonNode parse(String json) {
            try {
                return FakePeer.JSON.readTree(json);
            } catch (Exception e) {
                throw new IllegalArgumentException(json, e);
            }
        }
    }
}
