package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.net.WebSocketServer;
import dev.duplex.testkit.RedisServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hub nodes of one test, registered with {@code @RegisterExtension} on an instance field: {@link #node} builds a
 * hub, starts its server on 127.0.0.1 (free port) and waits up to 60 s for {@link Hub#ready()}; {@link #client}
 * connects a {@link JdkHubClient} to a node and reads its welcome. After each test it closes the clients (errors
 * ignored: the test or server may have), the servers, the hubs, then what {@link #closeLast} was given, newest first.
 * Not thread-safe: nodes and clients are added from the test's thread.
 */
final class HubNodes implements BeforeEachCallback, AfterEachCallback {
    /** A cold JVM's first Lettuce connection loads Netty and Reactor (seconds under load; longer via a Sentinel). */
    private static final long READY_SECONDS = 60;

    private final List<Hub> hubs = new ArrayList<>();
    private final List<WebSocketServer> servers = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final Deque<AutoCloseable> last = new ArrayDeque<>();
    private final boolean withRedis;
    private RedisServer redis;

    /** Nodes on whatever store the test gives their builders. */
    HubNodes() {
        this(false);
    }

    private HubNodes(boolean withRedis) {
        this.withRedis = withRedis;
    }

    /** Also a redis-server started before each test (files in a temporary folder), closed after the hubs. */
    static HubNodes onRedis() {
        return new HubNodes(true);
    }

    /** The redis-server of {@link #onRedis()}. */
    RedisServer redis() {
        if (redis == null) {
            throw new IllegalStateException("not onRedis()");
        }
        return redis;
    }

    /** A node with one event loop. */
    Hub node(Hub.Builder hub) throws Exception {
        return node(hub, WebSocketServer.builder().eventLoops(1));
    }

    /** A node on {@code server}, whose host and port this sets. */
    Hub node(Hub.Builder hub, WebSocketServer.Builder server) throws Exception {
        Hub h = hub.build();
        hubs.add(h);
        servers.add(h.startServer(server.host("127.0.0.1").port(0)));
        h.ready().get(READY_SECONDS, TimeUnit.SECONDS);
        return h;
    }

    Hub hub(int node) {
        return hubs.get(node);
    }

    WebSocketServer server(int node) {
        return servers.get(node);
    }

    /** A client on node {@code node}'s /hub, its welcome not read yet. */
    JdkHubClient connect(int node) throws Exception {
        return track(JdkHubClient.connect(URI.create("ws://127.0.0.1:" + server(node).port() + "/hub")));
    }

    /** A client on node {@code node}'s /hub, its welcome read. */
    JdkHubClient client(int node) throws Exception {
        JdkHubClient c = connect(node);
        c.next("welcome");
        return c;
    }

    /** Closes {@code client} first in {@link #close}; returns it. */
    <T extends AutoCloseable> T track(T client) {
        clients.add(client);
        return client;
    }

    /** Closes {@code resource} after the hubs in {@link #close} (e.g. Redis); returns it. */
    <T extends AutoCloseable> T closeLast(T resource) {
        last.push(resource);
        return resource;
    }

    /**
     * The next reply of that type, skipping up to 10 presence notices: a member's {@code join} travels through
     * Redis, so it may reach a client that subscribed meanwhile and already got that member in
     * {@code subscribed.members}.
     */
    static JsonNode reply(JdkHubClient c, String type) throws Exception {
        for (int skipped = 0; ; skipped++) {
            JsonNode n = c.next();
            String got = n.path("type").asText();
            if (skipped < 10 && (got.equals("join") || got.equals("leave")) && !type.equals(got)) {
                continue;
            }
            assertEquals(type, got, () -> "expected " + type + " but got " + n);
            return n;
        }
    }

    /** The next {@code count} messages, skipping presence; anything else fails. */
    static List<JsonNode> messages(JdkHubClient c, int count) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        while (out.size() < count) {
            JsonNode n = c.next();
            String type = n.path("type").asText();
            if (!type.equals("join") && !type.equals("leave")) {
                assertEquals("message", type, () -> "expected a message, got " + n);
                out.add(n);
            }
        }
        return out;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (withRedis) {
            Path dir = Files.createTempDirectory("duplex-redis");
            closeLast(() -> delete(dir));
            redis = closeLast(RedisServer.start(dir));
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closed by the test or the server already
            }
        }
        for (WebSocketServer s : servers) {
            s.stop();
        }
        for (Hub h : hubs) {
            h.close();
        }
        while (!last.isEmpty()) {
            last.pop().close();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
