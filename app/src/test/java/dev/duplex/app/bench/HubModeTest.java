package dev.duplex.app.bench;

import dev.duplex.hub.Hub;
import dev.duplex.hub.HubLimits;
import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;
import dev.duplex.testkit.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code duplex bench --mode hub} against real hubs on 127.0.0.1: one in-memory node, and two nodes sharing a real
 * redis-server (skipped loudly without one). Counts are exact; every subscriber's seqs are checked.
 */
@Timeout(120)
class HubModeTest {
    private static final HubLimits FAST = HubLimits.builder().publishRate(1_000_000, 1_000_000)
            .requestRate(1_000_000, 1_000_000).build();

    @TempDir
    Path dir;
    private final List<Hub> hubs = new ArrayList<>();
    private final List<WebSocketServer> servers = new ArrayList<>();
    private RedisServer redis;

    @AfterEach
    void stop() throws Exception {
        servers.forEach(WebSocketServer::stop);
        hubs.forEach(Hub::close);
        if (redis != null) {
            redis.close();
        }
    }

    private String node(Hub.Builder builder) throws Exception {
        Hub hub = builder.build();
        hubs.add(hub);
        WebSocketServer server = hub.startServer(WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1));
        servers.add(server);
        hub.ready().get(10, TimeUnit.SECONDS);
        return "ws://127.0.0.1:" + server.port() + "/hub";
    }

    @Test
    void everySubscriberGetsEveryMessageOnceInOrder() throws Exception {
        String url = node(Hub.builder().inMemory().limits(FAST));
        BenchRun run = BenchRun.of(url, "--mode", "hub", "-c", "3", "-n", "50", "--in-flight", "4", "--size", "40");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("hub", run.at("mode"));
        assertEquals(50, run.number("published"), run::toString);
        assertEquals(150, run.number("deliveries"), run::toString);
        assertEquals(150, run.number("latencyMicros", "count"));
        assertEquals(150L * 40, run.number("payloadBytes"));
        assertEquals(4, run.number("connect", "opened"));
        assertEquals(0, run.number("errors", "total"));
        assertEquals(3, run.number("order", "subscribersChecked"));
        assertEquals(0, run.number("order", "lost"));
        assertEquals(0, run.number("order", "duplicated"));
        assertEquals(0, run.number("order", "outOfOrder"));
        // 50 messages after the join probes: the topic's last seq is at least 50
        assertTrue(run.number("order", "lastSeq") >= 50, run::toString);
        // the hub's own count: the 150 measured deliveries plus the join probes' copies
        assertTrue(hubs.get(0).metrics().delivered() >= 150, () -> hubs.get(0).metrics().toString());
    }

    /**
     * A fake hub that numbers the messages itself and misbehaves: it skips seq 10 (the message after 9 comes as
     * 11) and sends the message numbered 20 twice. Each subscriber must report one lost and one duplicated.
     */
    @Test
    void lostAndDuplicatedSeqsAreFoundPerSubscriber() throws Exception {
        Set<ServerSession> subscribers = ConcurrentHashMap.newKeySet();
        long[] seq = {0};
        WebSocketServer fake = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .endpoint("/hub", new Endpoint() {
                    @Override
                    public void onText(ServerSession session, String text) {
                        if (text.contains("\"type\":\"subscribe\"")) {
                            subscribers.add(session);
                            session.send("{\"type\":\"subscribed\",\"id\":\"bench\",\"topic\":\"bench\",\"seq\":"
                                    + seq[0] + ",\"memberCount\":1,\"members\":[]}");
                            return;
                        }
                        String data = text.substring(text.indexOf("\"data\":\"") + 8, text.lastIndexOf('"'));
                        long n = ++seq[0] == 10 ? ++seq[0] : seq[0];
                        String message = "{\"type\":\"message\",\"topic\":\"bench\",\"seq\":" + n
                                + ",\"ts\":1,\"from\":{\"session\":\"s-1\",\"name\":\"p\"},\"data\":\"" + data + "\"}";
                        for (int copy = 0; copy < (n == 20 ? 2 : 1); copy++) {
                            for (ServerSession s : subscribers) {
                                s.send(message);
                            }
                        }
                    }
                }).build().start();
        servers.add(fake);
        BenchRun run = BenchRun.of("ws://127.0.0.1:" + fake.port() + "/hub", "--mode", "hub", "-c", "2", "-n", "30",
                "--timeout", "5s");
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(0, run.number("errors", "total"), run::toString);
        assertEquals(60, run.number("deliveries"), run::toString); // the duplicates are not deliveries
        assertEquals(2, run.number("order", "lost"), run::toString);
        assertEquals(2, run.number("order", "duplicated"), run::toString);
        assertEquals(0, run.number("order", "outOfOrder"), run::toString);
        assertEquals(2, run.number("order", "subscribersWithProblems"), run::toString);
    }

    @Test
    void withAckAndSeveralPublishersTheAcksAreTimed() throws Exception {
        String url = node(Hub.builder().inMemory().limits(FAST));
        BenchRun run = BenchRun.of(url, "--mode", "hub", "-c", "4", "--publishers", "2", "--ack", "-n", "101",
                "--in-flight", "3", "--threads", "2", "--topic", "bench.acks");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(101, run.number("published"), run::toString);
        assertEquals(404, run.number("deliveries"), run::toString);
        assertEquals(101, run.number("ackLatencyMicros", "count"), run::toString);
        assertEquals(true, run.at("ack"));
        assertEquals("bench.acks", run.at("topic"));
        assertEquals(0, run.number("order", "lost") + run.number("order", "duplicated")
                + run.number("order", "outOfOrder"), run::toString);
    }

    @Test
    void aRateLimitedPublisherFailsWithTheHubsWords() throws Exception {
        String url = node(Hub.builder().inMemory()); // 50 publishes per second, bursts of 100
        BenchRun run = BenchRun.of(url, "--mode", "hub", "-c", "1", "-n", "5000", "--in-flight", "64",
                "--timeout", "5s");
        assertEquals(1, run.exitCode(), run::toString);
        @SuppressWarnings("unchecked")
        Map<String, Object> examples = (Map<String, Object>) run.at("errorExamples");
        assertTrue(examples.keySet().stream().anyMatch(k -> k.contains("rate_limited")), run::toString);
    }

    @Test
    void subscribersSpreadOverTwoNodesSharingRedisAllGetEverything() throws Exception {
        redis = RedisServer.start(dir);
        Hub.Builder a = Hub.builder().redis(redis.uri()).redisTimeout(Duration.ofSeconds(5)).limits(FAST);
        String first = node(a);
        String second = node(Hub.builder().redis(redis.uri()).redisTimeout(Duration.ofSeconds(5)).limits(FAST));
        BenchRun run = BenchRun.of(first + "," + second, "--mode", "hub", "-c", "5", "-n", "60", "--in-flight", "4",
                "--ack", "--timeout", "10s");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(List.of(first, second), run.at("urls"));
        assertEquals(first, run.at("publishUrl"));
        assertEquals(60, run.number("published"), run::toString);
        assertEquals(300, run.number("deliveries"), run::toString);
        assertEquals(5, run.number("order", "subscribersChecked"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> byUrl = (List<Map<String, Object>>) run.at("byUrl");
        assertEquals(first, byUrl.get(0).get("url"));
        assertEquals(180L, ((Number) byUrl.get(0).get("deliveries")).longValue(), run::toString);
        assertEquals(120L, ((Number) byUrl.get(1).get("deliveries")).longValue(), run::toString);
        assertEquals(0, run.number("order", "lost") + run.number("order", "duplicated")
                + run.number("order", "outOfOrder"), run::toString);
        // subscribers 0, 2, 4 on the first node, 1 and 3 on the second: both delivered the 60 messages
        assertTrue(hubs.get(0).metrics().delivered() >= 3 * 60, () -> "first node " + hubs.get(0).metrics());
        assertTrue(hubs.get(1).metrics().delivered() >= 2 * 60, () -> "second node " + hubs.get(1).metrics());
    }
}
