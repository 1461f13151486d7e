package dev.duplex.app;

import dev.duplex.testkit.Json;
import dev.duplex.testkit.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code duplex serve --redis}'s operations surface against a real redis-server: the cluster metrics on
 * {@code /metrics} while messages flow between two nodes, and {@code /healthz} while Redis is stopped and back.
 */
@Timeout(90)
class ServeRedisOperationsTest {
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private RedisServer redis;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(dir);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private Serving node() throws Exception {
        Serving s = ServeCommandTest.start("--redis", redis.uri(), "--no-demo");
        open.add(s);
        s.hub().ready().get(30, TimeUnit.SECONDS); // connected to Redis (a cold JVM loads Netty first)
        return s;
    }

    private JdkHubClient client(Serving s) throws Exception {
        JdkHubClient c = JdkHubClient.connect(http, URI.create(s.wsBase() + "/hub"));
        open.add(c);
        c.next("welcome");
        return c;
    }

    private HttpResponse<String> get(Serving s, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(s.httpBase() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Double> metrics(Serving s) throws Exception {
        return PrometheusParser.parse(get(s, "/metrics"));
    }

    /** Polls {@code /metrics} until {@code condition} holds. */
    private Map<String, Double> awaitMetrics(Serving s, String what, Predicate<Map<String, Double>> condition)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            Map<String, Double> m = metrics(s);
            if (condition.test(m)) {
                return m;
            }
            assertTrue(System.nanoTime() < deadline, () -> "no " + what + " within 20 s: " + m);
            TimeUnit.MILLISECONDS.sleep(50); // polling with a deadline
        }
    }

    /** Polls {@code /healthz} until it answers {@code status}; returns that answer. */
    private HttpResponse<String> awaitHealth(Serving s, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            HttpResponse<String> r = get(s, "/healthz");
            if (r.statusCode() == status) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("/healthz still " + r.statusCode() + " " + r.body() + "; " + metrics(s));
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling with a deadline
        }
    }

    private static String nodeId(Map<String, Double> metrics) {
        List<String> ids = metrics.keySet().stream().filter(k -> k.startsWith("duplex_cluster_node_info{node=\""))
                .map(k -> k.substring("duplex_cluster_node_info{node=\"".length(), k.length() - 2)).toList();
        assertEquals(1, ids.size(), () -> "one node info sample in " + metrics.keySet());
        assertEquals(1.0, metrics.get("duplex_cluster_node_info{node=\"" + ids.get(0) + "\"}"));
        return ids.get(0);
    }

    @Test
    void theClusterMetricsCountMessagesOutOnThePublisherAndInOnTheSubscriberNode() throws Exception {
        Serving a = node();
        Serving b = node();
        JdkHubClient onB = client(b);
        onB.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"ops\"}");
        onB.next("subscribed");
        JdkHubClient publisher = client(a);
        for (int i = 1; i <= 4; i++) {
            publisher.send("{\"type\":\"publish\",\"id\":\"p" + i + "\",\"topic\":\"ops\",\"data\":" + i
                    + ",\"ack\":true}");
            assertEquals(i, ((Number) publisher.next("ack").get("seq")).intValue());
            assertEquals(i, ((Number) onB.next("message").get("seq")).intValue());
        }

        Map<String, Double> ma = metrics(a);
        Map<String, Double> mb = metrics(b);
        assertEquals(4.0, ma.get("duplex_redis_messages_out_total"), ma::toString);
        assertEquals(0.0, ma.get("duplex_redis_messages_in_total"), "A holds no subscription");
        assertEquals(0.0, mb.get("duplex_redis_messages_out_total"), mb::toString);
        assertEquals(4.0, mb.get("duplex_redis_messages_in_total"), mb::toString);
        assertNotEquals(nodeId(ma), nodeId(mb));
        for (Map<String, Double> m : List.of(ma, mb)) {
            assertEquals(1.0, m.get("duplex_redis_command_link_up"));
            assertEquals(1.0, m.get("duplex_redis_pubsub_link_up"));
            assertEquals(0.0, m.get("duplex_redis_unreachable_seconds"));
            assertEquals(0.0, m.get("duplex_redis_command_errors_total"));
            assertEquals(0.0, m.get("duplex_redis_command_timeouts_total"));
            assertEquals(0.0, m.get("duplex_redis_reconnects_total"));
            double count = m.get("duplex_redis_round_trip_seconds_count");
            assertTrue(count >= 3, () -> "script load, heartbeat, subscribe at least: " + m);
            assertEquals(count, m.get("duplex_redis_round_trip_seconds_bucket{le=\"+Inf\"}"));
            assertTrue(m.get("duplex_redis_round_trip_seconds_sum") > 0);
            assertTrue(m.get("duplex_redis_round_trip_seconds_bucket{le=\"0.0001\"}")
                    <= m.get("duplex_redis_round_trip_seconds_bucket{le=\"2.5\"}"));
        }
        assertTrue(ma.get("duplex_redis_round_trip_seconds_count") >= 4 + 2, "four publish scripts and more");
        // the hub's own counters keep their meaning: published on A, delivered on B
        assertEquals(4.0, ma.get("duplex_hub_published_total"));
        assertEquals(4.0, mb.get("duplex_hub_delivered_total"));
    }

    @Test
    void withoutRedisThereAreNoClusterMetricsAtAll() throws Exception {
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo")) {
            Map<String, Double> m = metrics(s);
            assertTrue(m.containsKey("duplex_hub_published_total"));
            assertFalse(m.keySet().stream().anyMatch(k -> k.startsWith("duplex_redis_")
                    || k.startsWith("duplex_cluster_")), m::toString);
        }
    }

    @Test
    void healthzIs503WhileRedisIsUnreachableForLongerThanTheGraceAnd200OnceItIsBack() throws Exception {
        Serving a = node();
        assertEquals(200, get(a, "/healthz").statusCode());
        long stoppedAt = System.nanoTime();
        redis.stop();

        HttpResponse<String> down = awaitHealth(a, 503);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
        assertTrue(tookMillis >= ClusterStatus.UNREACHABLE_GRACE.toMillis(), "503 after the grace, not "
                + tookMillis + " ms");
        Map<String, Object> body = Json.parseObject(down.body());
        assertEquals("unhealthy", body.get("status"));
        String problem = String.valueOf(((List<?>) body.get("problems")).get(0));
        assertTrue(problem.startsWith("redis unreachable for ") && problem.endsWith("(connection down)"), problem);
        Map<String, Double> m = awaitMetrics(a, "errors", x -> x.get("duplex_redis_command_errors_total") > 0);
        assertEquals(0.0, m.get("duplex_redis_command_link_up"));
        assertEquals(0.0, m.get("duplex_redis_pubsub_link_up"));
        assertTrue(m.get("duplex_redis_unreachable_seconds") > ClusterStatus.UNREACHABLE_GRACE.toSeconds(),
                m::toString);

        redis.start();
        HttpResponse<String> up = awaitHealth(a, 200);
        assertEquals("{\"status\":\"ok\"}", up.body());
        Map<String, Double> back = awaitMetrics(a, "links up",
                x -> x.get("duplex_redis_command_link_up") == 1.0 && x.get("duplex_redis_pubsub_link_up") == 1.0);
        assertEquals(2.0, back.get("duplex_redis_reconnects_total"), back::toString);
        assertEquals(0.0, back.get("duplex_redis_unreachable_seconds"));
    }
}
