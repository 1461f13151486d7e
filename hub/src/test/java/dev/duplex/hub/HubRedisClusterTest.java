package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.duplex.hub.HubNodes.messages;
import static dev.duplex.hub.HubNodes.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two hub nodes (two servers on 127.0.0.1) sharing one real redis-server. */
class HubRedisClusterTest {
    @RegisterExtension
    final HubNodes nodes = HubNodes.onRedis();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

    /** Starts a node: a hub on the shared Redis and its own server. Index 0 is node A, 1 is node B. */
    private Hub node() throws Exception {
        return node(Hub.builder().redis(nodes.redis().uri()).redisTimeout(Duration.ofSeconds(5)));
    }

    private Hub node(Hub.Builder builder) throws Exception {
        return nodes.node(builder.errorHandler(errors::add));
    }

    private static JsonNode subscribe(JdkHubClient c, String topic, String extra) throws Exception {
        c.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"" + topic + "\"" + extra + "}");
        return c.next("subscribed");
    }

    private static void assertSeqs(List<JsonNode> messages, long first, long last) {
        List<Long> expected = new ArrayList<>();
        for (long s = first; s <= last; s++) {
            expected.add(s);
        }
        List<Long> got = new ArrayList<>();
        for (JsonNode m : messages) {
            got.add(m.get("seq").asLong());
        }
        assertEquals(expected, got);
    }

    @Test
    void aMessagePublishedOnOneNodeReachesTheOtherOnceInOrderWithTheSameSeq() throws Exception {
        node();
        node();
        JdkHubClient onB = nodes.client(1);
        subscribe(onB, "room", "");
        JdkHubClient publisher = nodes.client(0);
        List<Long> acked = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            publisher.send("{\"type\":\"publish\",\"id\":\"p" + i + "\",\"topic\":\"room\",\"data\":" + i
                    + ",\"ack\":true}");
            JsonNode ack = publisher.next("ack");
            assertEquals("p" + i, ack.get("id").asText());
            acked.add(ack.get("seq").asLong());
        }
        List<JsonNode> got = messages(onB, 20);
        assertSeqs(got, 1, 20);
        for (int i = 0; i < 20; i++) {
            assertEquals(i + 1, got.get(i).get("data").asInt());
            assertEquals(acked.get(i), got.get(i).get("seq").asLong());
            assertEquals("room", got.get(i).get("topic").asText());
        }
        // nothing twice: the next thing B sees is the next message
        nodes.hub(0).publish("room", "\"end\"").get(10, TimeUnit.SECONDS);
        JsonNode end = messages(onB, 1).get(0);
        assertEquals(21, end.get("seq").asLong());
        assertEquals("end", end.get("data").asText());
    }

    @Test
    void aNodeIsSubscribedInRedisOnlyToTheTopicsItsClientsHold() throws Exception {
        node();
        node();
        assertEquals(0, subscribers("held"));
        JdkHubClient onA = nodes.client(0);
        JdkHubClient onB = nodes.client(1);
        subscribe(onA, "held", "");
        subscribe(onB, "held", "");
        assertEquals(2, subscribers("held"));
        onB.send("{\"type\":\"unsubscribe\",\"id\":\"u\",\"topic\":\"held\"}");
        reply(onB, "unsubscribed");
        // the writer's tick (once a second) lets go of topics without a local subscriber
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (subscribers("held") != 1) {
            assertTrue(System.nanoTime() < deadline, "node B still subscribed in Redis");
            TimeUnit.MILLISECONDS.sleep(50); // polling with a deadline
        }
        nodes.hub(1).publish("held", "1").get(10, TimeUnit.SECONDS); // B can still publish there
        assertEquals(1, messages(onA, 1).get(0).get("seq").asLong());
    }

    /** How many Redis connections listen to the topic's channel. */
    private int subscribers(String topic) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", Integer.parseInt(nodes.redis().uri().replaceAll(".*:", "")))) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(("PUBSUB NUMSUB duplex:{" + topic + "}:bus\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            in.readLine(); // *2
            in.readLine(); // $length
            in.readLine(); // the channel
            return Integer.parseInt(in.readLine().substring(1)); // :count
        }
    }

    @Test
    void presenceSpansTheNodes() throws Exception {
        node();
        node();
        JdkHubClient onA = nodes.client(0);
        String aSession = subscribe(onA, "lobby", "").get("members").get(0).get("session").asText();
        JdkHubClient onB = nodes.client(1);
        JsonNode subscribed = subscribe(onB, "lobby", "");
        assertEquals(2, subscribed.get("memberCount").asInt());
        List<String> sessions = new ArrayList<>();
        subscribed.get("members").forEach(m -> sessions.add(m.get("session").asText()));
        assertTrue(sessions.contains(aSession), sessions::toString);
        String bSession = sessions.get(sessions.size() - 1);
        JsonNode join = onA.next("join");
        assertEquals(bSession, join.get("member").get("session").asText());
        onB.send("{\"type\":\"unsubscribe\",\"id\":\"u\",\"topic\":\"lobby\"}");
        reply(onB, "unsubscribed");
        JsonNode leave = onA.next("leave");
        assertEquals(bSession, leave.get("member").get("session").asText());
    }

    @Test
    void membersOfADeadNodeAreDroppedEverywhereWithinTheHeartbeatExpiry() throws Exception {
        node();
        node();
        // a member registered by a node that has no heartbeat (it died without cleaning up)
        assertEquals(":1", nodes.redis().command("HSET duplex:{lobby}:members deadbeefdeadbeef/s99 ghost"));
        JdkHubClient onB = nodes.client(1);
        JsonNode subscribed = subscribe(onB, "lobby", "");
        assertEquals(1, subscribed.get("memberCount").asInt(), "a dead node's member is not listed: " + subscribed);
        JsonNode leave = onB.next("leave");
        assertEquals("s99", leave.get("member").get("session").asText());
        assertEquals("ghost", leave.get("member").get("name").asText());
        assertEquals(":0", nodes.redis().command("HEXISTS duplex:{lobby}:members deadbeefdeadbeef/s99"));
        // told once, though both nodes look for dead members
        nodes.hub(0).publish("lobby", "1").get(10, TimeUnit.SECONDS);
        assertEquals("message", onB.next().get("type").asText());
    }

    @Test
    void aNodeRemovesItsOwnMembersThatAreNoLongerThereFromTheRegistry() throws Exception {
        node();
        String nodeA = nodes.redis().bulk("RANDOMKEY"); // node A's heartbeat is the only key so far
        assertTrue(nodeA.startsWith("duplex:node:"), nodeA);
        node();
        JdkHubClient onA = nodes.client(0);
        subscribe(onA, "lobby", "");
        JdkHubClient onB = nodes.client(1);
        subscribe(onB, "lobby", "");
        onA.next("join"); // B's client, seen on A
        // a member of node A whose leave never reached Redis (lost while Redis was away)
        String field = nodeA.substring("duplex:node:".length()) + "/s55";
        assertEquals(":1", nodes.redis().command("HSET duplex:{lobby}:members " + field + " stale"));
        // node A's next sweep (every 2 s) removes and announces it; A's own client's join may still reach B first
        // when B subscribed while that join was on its way through Redis
        JsonNode leave = onB.next();
        for (int i = 0; i < 3 && leave.get("type").asText().equals("join"); i++) {
            leave = onB.next();
        }
        assertEquals("leave", leave.get("type").asText(), leave.toString());
        assertEquals("s55", leave.get("member").get("session").asText());
        assertEquals(":0", nodes.redis().command("HEXISTS duplex:{lobby}:members " + field));
        assertEquals(":2", nodes.redis().command("HLEN duplex:{lobby}:members"));
    }

    @Test
    void resumeWithSinceOnTheOtherNodeGivesExactlyTheMissedMessages() throws Exception {
        Hub a = node();
        node();
        for (int i = 1; i <= 10; i++) {
            assertEquals(i, a.publish("news", Integer.toString(i)).get(10, TimeUnit.SECONDS).seq());
        }
        JdkHubClient onB = nodes.client(1);
        JsonNode subscribed = subscribe(onB, "news", ",\"since\":6");
        assertEquals(10, subscribed.get("seq").asLong());
        List<JsonNode> replayed = messages(onB, 4);
        assertSeqs(replayed, 7, 10);
        for (JsonNode m : replayed) {
            assertTrue(m.path("replay").asBoolean(), () -> "not marked replay: " + m);
            assertEquals(m.get("seq").asInt(), m.get("data").asInt());
        }
        a.publish("news", "11").get(10, TimeUnit.SECONDS);
        JsonNode live = messages(onB, 1).get(0);
        assertEquals(11, live.get("seq").asLong());
        assertTrue(!live.path("replay").asBoolean());
    }

    @Test
    void concurrentPublishersOnBothNodesGiveOneGapFreeOrderSeenAlikeOnBothNodes() throws Exception {
        Hub a = node();
        Hub b = node();
        JdkHubClient onA = nodes.client(0);
        JdkHubClient onB = nodes.client(1);
        subscribe(onA, "race", "");
        subscribe(onB, "race", "");
        int each = 150;
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> publishers = new ArrayList<>();
        for (Hub h : List.of(a, b)) {
            String node = h == a ? "a" : "b";
            publishers.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                    List<CompletableFuture<Published>> sent = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        sent.add(h.publish("race", "\"" + node + i + "\""));
                    }
                    CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        go.countDown();
        CompletableFuture.allOf(publishers.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        List<JsonNode> seenOnA = messages(onA, 2 * each);
        List<JsonNode> seenOnB = messages(onB, 2 * each);
        assertSeqs(seenOnA, 1, 2L * each);
        assertEquals(seenOnA, seenOnB);
        // each node's own messages keep the order it published them in
        for (String node : List.of("a", "b")) {
            int next = 0;
            for (JsonNode m : seenOnA) {
                if (m.get("data").asText().startsWith(node)) {
                    assertEquals(node + next++, m.get("data").asText());
                }
            }
            assertEquals(each, next);
        }
    }

    @Test
    void aNodeJoiningATopicWhileMessagesFlowSeesNoGapAndNoDuplicate() throws Exception {
        Hub a = node();
        node();
        int total = 300;
        CountDownLatch fiftySent = new CountDownLatch(50);
        CompletableFuture<Void> flow = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 1; i <= total; i++) {
                    a.publish("flow", Integer.toString(i)).get(10, TimeUnit.SECONDS);
                    fiftySent.countDown();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(fiftySent.await(20, TimeUnit.SECONDS));
        // node B has no subscriber on "flow" yet: the first subscribe makes it join the topic mid-stream
        JdkHubClient live = nodes.client(1);
        JdkHubClient fromStart = nodes.client(1);
        long liveFrom = subscribe(live, "flow", "").get("seq").asLong();
        subscribe(fromStart, "flow", ",\"since\":0");
        flow.get(30, TimeUnit.SECONDS);
        assertTrue(liveFrom >= 50, "joined at " + liveFrom);
        List<JsonNode> liveGot = messages(live, (int) (total - liveFrom));
        assertSeqs(liveGot, liveFrom + 1, total);
        List<JsonNode> allGot = messages(fromStart, total);
        assertSeqs(allGot, 1, total);
        for (JsonNode m : allGot) {
            assertEquals(m.get("seq").asInt(), m.get("data").asInt());
        }
        // and nothing after the last one
        a.publish("flow", "\"end\"").get(10, TimeUnit.SECONDS);
        assertEquals(total + 1, messages(live, 1).get(0).get("seq").asLong());
        assertEquals(total + 1, messages(fromStart, 1).get(0).get("seq").asLong());
    }

    @Test
    void redisKeepsTheRetentionByCountAndAgeAndResumeAnnouncesTheRestAsAGap() throws Exception {
        MutableClock clock = new MutableClock();
        Hub a = node(Hub.builder().redis(nodes.redis().uri()).history(5, Duration.ofHours(1)).clock(clock));
        node(Hub.builder().redis(nodes.redis().uri()).history(5, Duration.ofHours(1)));
        for (int i = 1; i <= 8; i++) {
            a.publish("kept", Integer.toString(i)).get(10, TimeUnit.SECONDS);
        }
        assertEquals(":5", nodes.redis().command("ZCARD duplex:{kept}:log"));
        assertEquals(":-1", nodes.redis().command("TTL duplex:{kept}:seq"), "the seq never expires");
        assertTrue(Long.parseLong(nodes.redis().command("PTTL duplex:{kept}:log").substring(1)) > 0);
        JdkHubClient onB = nodes.client(1);
        assertEquals(8, subscribe(onB, "kept", ",\"since\":0").get("seq").asLong());
        JsonNode gap = onB.next("gap");
        assertEquals(1, gap.get("from").asLong());
        assertEquals(3, gap.get("to").asLong());
        assertSeqs(messages(onB, 5), 4, 8);

        clock.advance(Duration.ofHours(2)); // everything kept so far is now older than the hour
        assertEquals(9, a.publish("kept", "9").get(10, TimeUnit.SECONDS).seq());
        assertEquals(":1", nodes.redis().command("ZCARD duplex:{kept}:log"));
        assertSeqs(messages(onB, 1), 9, 9);
        JdkHubClient late = nodes.client(1);
        subscribe(late, "kept", ",\"since\":0");
        gap = late.next("gap");
        assertEquals(1, gap.get("from").asLong());
        assertEquals(8, gap.get("to").asLong());
        assertSeqs(messages(late, 1), 9, 9);
    }

    @Test
    void aSlowRedisFailsThePublishUnavailableInsteadOfAcking() throws Exception {
        node(Hub.builder().redis(nodes.redis().uri()).redisTimeout(Duration.ofMillis(300)));
        node();
        JdkHubClient onB = nodes.client(1);
        subscribe(onB, "slow", "");
        JdkHubClient publisher = nodes.client(0);
        publisher.send("{\"type\":\"publish\",\"id\":\"o\",\"topic\":\"slow\",\"data\":0,\"ack\":true}");
        assertEquals(1, publisher.next("ack").get("seq").asLong());
        assertEquals(1, messages(onB, 1).get(0).get("seq").asLong());
        assertEquals("+OK", nodes.redis().command("CLIENT PAUSE 2000 WRITE"));
        long pausedAt = System.nanoTime();
        publisher.send("{\"type\":\"publish\",\"id\":\"p\",\"topic\":\"slow\",\"data\":1,\"ack\":true}");
        JsonNode refused = publisher.next("error");
        assertTrue(System.nanoTime() - pausedAt < TimeUnit.MILLISECONDS.toNanos(1_900), "refused before the pause ended");
        assertEquals("p", refused.get("id").asText());
        assertEquals("unavailable", refused.get("code").asText());
        // "unavailable" after a timeout means "not confirmed", not "not stored": the script runs once the pause ends
        JsonNode late = messages(onB, 1).get(0);
        assertEquals(2, late.get("seq").asLong());
        assertEquals(1, late.get("data").asInt());
        publisher.send("{\"type\":\"publish\",\"id\":\"q\",\"topic\":\"slow\",\"data\":2,\"ack\":true}");
        assertEquals(3, publisher.next("ack").get("seq").asLong());
    }

    @Test
    void withRedisGonePublishesFailUnavailableAndWorkAgainOnceItIsBack() throws Exception {
        Hub a = node();
        node();
        JdkHubClient onB = nodes.client(1);
        subscribe(onB, "ops", "");
        JdkHubClient publisher = nodes.client(0);
        publisher.send("{\"type\":\"publish\",\"id\":\"before\",\"topic\":\"ops\",\"data\":1,\"ack\":true}");
        assertEquals(1, publisher.next("ack").get("seq").asLong());
        assertEquals(1, messages(onB, 1).get(0).get("seq").asLong());

        nodes.redis().stop();
        JsonNode notice = onB.next("error");
        assertEquals("unavailable", notice.get("code").asText());
        publisher.send("{\"type\":\"publish\",\"id\":\"during\",\"topic\":\"ops\",\"data\":2,\"ack\":true}");
        JsonNode refused = publisher.next("error");
        assertEquals("during", refused.get("id").asText());
        assertEquals("unavailable", refused.get("code").asText());
        ExecutionException serverSide = assertThrows(ExecutionException.class,
                () -> a.publish("ops", "3").get(10, TimeUnit.SECONDS));
        assertEquals("unavailable", assertInstanceOf(HubException.class, serverSide.getCause()).code());

        nodes.redis().start();
        // Lettuce reconnects by itself (100 ms, doubling up to 2 s): retry until Redis takes the publish again
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Published after = null;
        while (after == null) {
            try {
                after = a.publish("ops", "4").get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertEquals("unavailable", ((HubException) e.getCause()).code());
                assertTrue(System.nanoTime() < deadline, "Redis still unavailable 20 s after it came back");
                TimeUnit.MILLISECONDS.sleep(100); // polling with a deadline for the reconnect
            }
        }
        assertEquals(2, after.seq(), "no refused publish took a seq");
        JsonNode delivered = messages(onB, 1).get(0);
        assertEquals(2, delivered.get("seq").asLong());
        assertEquals(4, delivered.get("data").asInt());
        publisher.send("{\"type\":\"publish\",\"id\":\"after\",\"topic\":\"ops\",\"data\":5,\"ack\":true}");
        assertEquals(3, publisher.next("ack").get("seq").asLong());
        assertEquals(3, messages(onB, 1).get(0).get("seq").asLong());
    }

    @Test
    void retryingThroughARedisOutageIsNotAbuse() throws Exception {
        node();
        JdkHubClient publisher = nodes.client(0);
        nodes.redis().stop();
        int attempts = 50; // well over the error burst (20): a client retrying until Redis is back
        for (int i = 0; i < attempts; i++) {
            publisher.send("{\"type\":\"publish\",\"id\":\"r" + i + "\",\"topic\":\"retry\",\"data\":" + i
                    + ",\"ack\":true,\"key\":\"k\"}");
        }
        for (int i = 0; i < attempts; i++) {
            JsonNode refused = reply(publisher, "error");
            assertEquals("r" + i, refused.get("id").asText());
            assertEquals("unavailable", refused.get("code").asText());
        }
        nodes.redis().start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int i = 0; ; i++) {
            publisher.send("{\"type\":\"publish\",\"id\":\"again" + i
                    + "\",\"topic\":\"retry\",\"data\":0,\"ack\":true,\"key\":\"k\"}");
            JsonNode answer = publisher.next(); // still open: not closed with 1008 "too many errors"
            if (answer.get("type").asText().equals("ack")) {
                assertEquals(1, answer.get("seq").asLong());
                break;
            }
            assertEquals("unavailable", answer.get("code").asText(), answer::toString);
            assertTrue(System.nanoTime() < deadline, "Redis still unavailable 20 s after it came back");
            TimeUnit.MILLISECONDS.sleep(100); // the client's retry pause while Lettuce reconnects
        }
    }

    @Test
    void subscribersJoiningABigTopicDoNotEachReadTheWholeRegistry() throws Exception {
        node();
        node();
        List<JdkHubClient> onA = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            onA.add(nodes.client(0));
            subscribe(onA.get(i), "big", "");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!nodes.redis().command("HLEN duplex:{big}:members").equals(":3")) { // A's joins reach Redis async
            assertTrue(System.nanoTime() < deadline, "A's members registered");
            TimeUnit.MILLISECONDS.sleep(20); // polling with a deadline
        }
        JdkHubClient first = nodes.client(1);
        assertEquals(4, subscribe(first, "big", "").get("memberCount").asInt());
        // A's members change after B read the registry: B learns it from the presence events alone
        onA.get(0).send("{\"type\":\"unsubscribe\",\"id\":\"u\",\"topic\":\"big\"}");
        reply(onA.get(0), "unsubscribed");
        for (int i = 0; i < 2; i++) {
            subscribe(nodes.client(0), "big", "");
        }
        first.next("leave");
        first.next("join");
        first.next("join");
        long before = hgetallCalls();
        long startedAt = System.nanoTime();
        int joining = 60;
        JsonNode last = null;
        for (int i = 0; i < joining; i++) {
            last = subscribe(nodes.client(1), "big", "");
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt);
        long reads = hgetallCalls() - before;
        // each node's member sweep (every 2 s) reads the registry once, and on B makes the next subscribe read it
        // once more; without the kept member list every subscribe read it (60 reads)
        long allowed = 3 * (seconds / 2 + 2);
        assertTrue(reads <= allowed, reads + " registry reads for " + joining + " subscribes in " + seconds
                + " s (at most " + allowed + ")");
        assertEquals(4 + 1 + joining, last.get("memberCount").asInt(), last::toString);
    }

    private long hgetallCalls() throws Exception {
        String stats = nodes.redis().call("INFO commandstats");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_hgetall:calls=(\\d+)").matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
