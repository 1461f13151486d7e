package dev.duplex.app;

import dev.duplex.testkit.Peer;
import dev.duplex.testkit.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load balancer configurations of docs/cluster.md, run for real: each is read from the doc, given free ports
 * on 127.0.0.1 and put in front of two {@code duplex serve --redis} nodes; WebSocket clients through it reach
 * both nodes, a message crosses them, and once a node stops, new clients reach the other one and resume there;
 * HAProxy also takes a node out while its {@code /healthz} says Redis is unreachable.
 * Skipped (or failed with {@code DUPLEX_REQUIRE_PEERS=1}) without {@code /usr/sbin/nginx} or
 * {@code /usr/sbin/haproxy}.
 */
@Timeout(120)
class LoadBalancerTest {
    private static final Path DOC = Path.of(System.getProperty("user.dir")).resolve("../docs/cluster.md").normalize();

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private RedisServer redis;
    private final List<Serving> nodes = new ArrayList<>();
    private final List<JdkHubClient> clients = new ArrayList<>();
    private Process balancer;
    private Path balancerLog;

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(Files.createDirectories(dir.resolve("redis")));
    }

    @AfterEach
    void stopAll() throws Exception {
        for (JdkHubClient c : clients) {
            c.close();
        }
        if (balancer != null) {
            balancer.destroy(); // SIGTERM: nginx's master stops its workers, haproxy exits
            if (!balancer.waitFor(10, TimeUnit.SECONDS)) {
                balancer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (Serving s : nodes) {
            s.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void haproxyFromTheDocsReachesBothNodesAndRoutesAroundAStoppedOne() throws Exception {
        Path binary = Path.of("/usr/sbin/haproxy");
        if (!Files.isExecutable(binary)) {
            Peer.HAPROXY.unavailable(binary + " is missing");
        }
        startNodes();
        int port = freePort();
        String config = ports(block("haproxy"), port).replace("bind :" + port, "bind 127.0.0.1:" + port);
        Path file = Files.writeString(dir.resolve("haproxy.cfg"), config);
        start(List.of(binary.toString(), "-db", "-f", file.toString()));
        exercise(port);

        // HAProxy reads /healthz: with Redis gone, the running node answers 503 and is taken out, so HAProxy
        // answers by itself; once Redis is back, the node is healthy and back in
        redis.stop();
        awaitHealth(port, r -> r.statusCode() == 503 && r.body().contains("No server is available"));
        redis.start();
        awaitHealth(port, r -> r.statusCode() == 200 && r.body().equals("{\"status\":\"ok\"}"));
    }

    @Test
    void nginxFromTheDocsReachesBothNodesAndRoutesAroundAStoppedOne() throws Exception {
        Path binary = Path.of("/usr/sbin/nginx");
        if (!Files.isExecutable(binary)) {
            Peer.NGINX.unavailable(binary + " is missing");
        }
        startNodes();
        int port = freePort();
        String snippet = ports(block("nginx"), port).replace("listen " + port + ";", "listen 127.0.0.1:" + port + ";");
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        // the doc's snippet goes inside http { }; around it, what a private instance needs (no root paths)
        String config = "daemon off;\nworker_processes 1;\npid " + prefix.resolve("nginx.pid") + ";\n"
                + "error_log " + prefix.resolve("error.log") + " warn;\n"
                + "events { worker_connections 256; }\n"
                + "http {\n    access_log off;\n"
                + "    client_body_temp_path " + prefix.resolve("body") + ";\n"
                + "    proxy_temp_path " + prefix.resolve("proxy") + ";\n"
                + "    fastcgi_temp_path " + prefix.resolve("fastcgi") + ";\n"
                + "    uwsgi_temp_path " + prefix.resolve("uwsgi") + ";\n"
                + "    scgi_temp_path " + prefix.resolve("scgi") + ";\n"
                + snippet.indent(4) + "}\n";
        Path file = Files.writeString(prefix.resolve("nginx.conf"), config);
        start(List.of(binary.toString(), "-p", prefix + "/", "-e", prefix.resolve("error.log").toString(), "-c",
                file.toString()));
        exercise(port);
    }

    /** Through the balancer at {@code port}: clients on both nodes, one message seen by all, then failover. */
    private void exercise(int port) throws Exception {
        awaitHealthy(port);
        // least connections: new clients alternate, so a few are enough to have some on each node
        for (int i = 0; i < 8 && !(connections(0) > 0 && connections(1) > 0); i++) {
            client(port);
        }
        assertTrue(connections(0) > 0 && connections(1) > 0, () -> "clients through the balancer on node 0: "
                + connections(0) + ", node 1: " + connections(1));
        for (JdkHubClient c : clients) {
            c.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"lb\"}");
            c.next("subscribed");
        }
        JdkHubClient publisher = clients.get(0);
        publisher.send("{\"type\":\"publish\",\"id\":\"p\",\"topic\":\"lb\",\"data\":\"hello\",\"ack\":true}");
        assertEquals(1, ((Number) publisher.next("ack").get("seq")).intValue());
        for (JdkHubClient c : clients) {
            Map<String, Object> m = c.next("message");
            assertEquals(1, ((Number) m.get("seq")).intValue());
            assertEquals("hello", m.get("data"));
        }

        // a page served through the balancer: its Origin is the balancer's address, which must reach the node as
        // the Host header (port included) for the same-origin check; another origin is still refused
        assertEquals(101, upgrade(port, "http://127.0.0.1:" + port));
        assertEquals(403, upgrade(port, "http://elsewhere.example"));

        nodes.get(1).close(); // its clients are closed (1001); new ones must reach node 0
        long before = nodes.get(0).hub().metrics().connections();
        JdkHubClient resumed = awaitClient(port);
        assertEquals(before + 1, connections(0), "the new client is on the node still running");
        resumed.send("{\"type\":\"subscribe\",\"id\":\"r\",\"topic\":\"lb\",\"since\":0}");
        resumed.next("subscribed");
        Map<String, Object> replayed = resumed.next("message");
        assertEquals(1, ((Number) replayed.get("seq")).intValue());
        assertEquals("hello", replayed.get("data"));
    }

    /** The status of a WebSocket handshake to /hub through the balancer with this Origin (101: upgraded). */
    private int upgrade(int port, String origin) throws Exception {
        try {
            WebSocket ws = http.newWebSocketBuilder().header("Origin", origin)
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/hub"), new WebSocket.Listener() { })
                    .get(10, TimeUnit.SECONDS);
            ws.abort();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    private void startNodes() throws Exception {
        for (int i = 0; i < 2; i++) {
            Serving s = ServeCommandTest.start("--redis", redis.uri(), "--no-demo");
            nodes.add(s);
            s.hub().ready().get(30, TimeUnit.SECONDS); // connected to Redis (a cold JVM loads Netty first)
        }
    }

    private long connections(int node) {
        return nodes.get(node).hub().metrics().connections();
    }

    /** The fenced block of that language in docs/cluster.md. */
    private static String block(String language) throws IOException {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("```" + language + "\n");
        assertTrue(start >= 0, "no ```" + language + " block in " + DOC);
        start += language.length() + 4;
        return doc.substring(start, doc.indexOf("\n```", start) + 1);
    }

    /**
     * The documented config with the balancer on {@code port} (was 8080) and the two nodes' ports (were 8081 and
     * 8082); the third node's line (8083) is dropped. Nothing else may name a port of the doc's example.
     */
    private String ports(String config, int port) {
        String out = config.lines().filter(line -> !line.contains(":8083"))
                .collect(Collectors.joining("\n", "", "\n"))
                .replace(":8081", ":" + nodes.get(0).port())
                .replace(":8082", ":" + nodes.get(1).port())
                .replace("8080", Integer.toString(port));
        assertFalse(out.contains(":808"), () -> "a port of the doc's example is left:\n" + out);
        return out;
    }

    private void start(List<String> command) throws IOException {
        balancerLog = dir.resolve("balancer.log");
        balancer = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(balancerLog.toFile()).start();
    }

    /** Polls {@code /healthz} through the balancer until it answers 200 (the balancer listens and found a node). */
    private void awaitHealthy(int port) throws Exception {
        awaitHealth(port, r -> r.statusCode() == 200);
    }

    /** Polls {@code /healthz} through the balancer until its answer satisfies {@code expected}. */
    private void awaitHealth(int port, Predicate<HttpResponse<String>> expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String last = "nothing";
        while (true) {
            assertTrue(balancer.isAlive(), () -> "the balancer exited: " + log());
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/healthz")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (expected.test(r)) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            String seen = last;
            assertTrue(System.nanoTime() < deadline, () -> "/healthz through the balancer: " + seen + "; " + log());
            TimeUnit.MILLISECONDS.sleep(50); // polling with a deadline for the balancer to start
        }
    }

    private JdkHubClient client(int port) throws Exception {
        JdkHubClient c = JdkHubClient.connect(http, URI.create("ws://127.0.0.1:" + port + "/hub"));
        clients.add(c);
        c.next("welcome");
        return c;
    }

    /** A client through the balancer, retried until one connects (the balancer may first try the stopped node). */
    private JdkHubClient awaitClient(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return client(port);
            } catch (Exception | AssertionError e) {
                assertTrue(System.nanoTime() < deadline, () -> "no connection through the balancer: " + e + "; "
                        + log());
                TimeUnit.MILLISECONDS.sleep(100); // polling with a deadline for the balancer to route around
            }
        }
    }

    private String log() {
        try {
            return balancerLog == null ? "" : Files.readString(balancerLog);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
