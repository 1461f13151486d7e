package dev.duplex.app;

import dev.duplex.testkit.Json;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three real {@code duplex serve --redis} processes on one real redis-server, real WebSocket clients: fan-out and
 * presence across nodes, resume on another node, and a node killed with SIGKILL in the middle of a publish stream
 * (its publisher and subscribers fail over to the other nodes; every subscriber ends with every acked message
 * once, in order, and the publisher's retried publishes are not stored twice thanks to their keys).
 */
@Timeout(180)
class ClusterFailoverTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private RedisServer redis;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Peer> peers = new ArrayList<>();
    private final List<Subscriber> subscribers = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(dir);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Subscriber s : subscribers) {
            s.stop();
        }
        for (Peer p : peers) {
            p.abort();
        }
        for (Node n : nodes) {
            n.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Starts three nodes at once (their JVMs start in parallel) and waits until each answers /healthz. */
    private void startNodes(int count) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            nodes.add(Node.launch(redis.uri(), dir, "node" + (char) ('A' + i)));
        }
        for (Node n : nodes) {
            n.awaitHealthy();
        }
        System.out.println("ClusterFailoverTest: " + count + " nodes healthy after "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    }

    private Peer peer(Node node, String name) throws Exception {
        Peer p = Peer.connect(node, name);
        peers.add(p);
        p.await("welcome", WAIT);
        return p;
    }

    @Test
    void fanOutPresenceAndResumeAcrossThreeNodes() throws Exception {
        startNodes(3);
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        Node c = nodes.get(2);
        Peer onA = peer(a, "ann");
        Peer onB = peer(b, "bob");
        Peer onC = peer(c, "cat");
        onA.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"chat\"}");
        onA.await("subscribed", WAIT);
        onB.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"chat\"}");
        onB.await("subscribed", WAIT);
        // a join reaches the other nodes through Redis after it is registered there
        onA.awaitFrame(f -> "join".equals(f.get("type")) && "bob".equals(member(f).get("name")), WAIT);
        onC.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"chat\"}");
        Map<String, Object> subscribed = onC.await("subscribed", WAIT);
        assertEquals(3L, subscribed.get("memberCount"), subscribed::toString);
        Set<Object> names = new HashSet<>();
        for (Object m : (List<?>) subscribed.get("members")) {
            names.add(((Map<?, ?>) m).get("name"));
        }
        assertEquals(Set.of("ann", "bob", "cat"), names, "members of all three nodes");
        onA.awaitFrame(f -> "join".equals(f.get("type")) && "cat".equals(member(f).get("name")), WAIT);
        onB.awaitFrame(f -> "join".equals(f.get("type")) && "cat".equals(member(f).get("name")), WAIT);

        Peer publisher = peer(a, "pub");
        int n = 40;
        for (int i = 0; i < n; i++) {
            publisher.send(publish("p" + i, "chat", "k" + i, i));
        }
        for (int i = 0; i < n; i++) {
            Map<String, Object> ack = publisher.await("ack", WAIT);
            assertEquals("p" + i, ack.get("id"));
            assertEquals(i + 1L, ack.get("seq"));
        }
        for (Peer p : List.of(onA, onB, onC)) {
            assertMessages(p.messages(n, WAIT), 1, 0, n);
        }

        // bob leaves node B and comes back on node C, resuming after the last seq he saw
        onB.abort();
        onA.awaitFrame(f -> "leave".equals(f.get("type")) && "bob".equals(member(f).get("name")), WAIT);
        for (int i = n; i < n + 10; i++) {
            publisher.send(publish("p" + i, "chat", "k" + i, i));
            publisher.await("ack", WAIT);
        }
        Peer bobAgain = peer(c, "bob");
        bobAgain.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"chat\",\"since\":" + n + "}");
        assertEquals(n + 10L, bobAgain.await("subscribed", WAIT).get("seq"));
        publisher.send(publish("p-live", "chat", "k-live", n + 10));
        List<Map<String, Object>> resumed = bobAgain.messages(11, WAIT);
        assertMessages(resumed, n + 1, n, n + 11);
        for (int i = 0; i < 10; i++) {
            assertEquals(true, resumed.get(i).get("replay"), "replayed from Redis: " + resumed.get(i));
        }
        assertFalse(resumed.get(10).containsKey("replay"), "then live, without a duplicate or a hole");
        assertMessages(onC.messages(11, WAIT), n + 1, n, n + 11);
    }

    /**
     * A publisher streams keyed, acked publishes (several in flight) on node A; subscribers on A, B and C. Node A
     * gets SIGKILL at a random point; the publisher moves to B and sends again what was not acked, with the same
     * keys; A's subscriber moves to C and resumes with {@code since}. Seeded: the seed is printed.
     */
    @Test
    void aNodeKilledMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
        long seed = Long.getLong("duplex.seed", System.nanoTime());
        System.out.println("ClusterFailoverTest seed: -Dduplex.seed=" + seed);
        Random random = new Random(seed);
        int total = 200;
        int killAfterAcks = 40 + random.nextInt(total - 80);
        int window = 1 + random.nextInt(32);
        startNodes(3);
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        Node c = nodes.get(2);
        String topic = "stream";

        subscribers.addAll(List.of(
                new Subscriber("subA", List.of(a, c), topic), new Subscriber("subB", List.of(b), topic),
                new Subscriber("subC", List.of(c), topic)));
        for (Subscriber s : subscribers) {
            s.start();
        }
        for (Subscriber s : subscribers) {
            s.awaitSubscribed(WAIT);
        }

        String run = Long.toString(seed & 0xffffff, 36);
        Map<Integer, Long> ackedSeq = new LinkedHashMap<>();
        LinkedHashMap<Integer, Boolean> inFlight = new LinkedHashMap<>();
        Peer publisher = peer(a, "pub");
        int next = 0;
        int resent = 0;
        int duplicates = 0;
        boolean killed = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // the hub allows 50 publishes per second (bursts of 100) per connection: the publisher keeps below
        long started = System.nanoTime();
        while (ackedSeq.size() < total) {
            assertTrue(System.nanoTime() < deadline, () -> "stream stuck; acked " + ackedSeq.size() + " (seed " + seed + ")");
            long allowed = 80 + (System.nanoTime() - started) * 40 / TimeUnit.SECONDS.toNanos(1);
            while (inFlight.size() < window && next < total && next < allowed && !publisher.closed.isDone()) {
                inFlight.put(next, true);
                publisher.trySend(publish("p" + next, topic, run + "-" + next, next));
                next++;
            }
            if (!killed && ackedSeq.size() >= killAfterAcks) {
                a.kill();
                killed = true;
            }
            Map<String, Object> f = publisher.poll(10);
            if (f != null) {
                if ("ack".equals(f.get("type"))) {
                    int i = Integer.parseInt(((String) f.get("id")).substring(1));
                    inFlight.remove(i);
                    Long seq = (Long) f.get("seq");
                    Long before = ackedSeq.put(i, seq);
                    assertTrue(before == null || before.equals(seq), "message " + i + " acked with two seqs");
                    if (Boolean.TRUE.equals(f.get("duplicate"))) {
                        duplicates++;
                    }
                } else if ("error".equals(f.get("type"))) {
                    fail("publish refused: " + f + " (seed " + seed + ")");
                }
            } else if (publisher.closed.isDone()) {
                assertTrue(killed, "only the killed node drops the publisher");
                publisher = peer(b, "pub"); // the publisher's failover: node B, same keys
                int lastAcked = -1;
                for (int i : ackedSeq.keySet()) {
                    lastAcked = Math.max(lastAcked, i);
                }
                // as if the ack of the newest acked publish had been lost with the node: sent again too
                inFlight.putIfAbsent(lastAcked, true);
                for (int i : inFlight.keySet()) {
                    publisher.send(publish("p" + i, topic, run + "-" + i, i));
                    resent++;
                }
            }
        }
        assertTrue(killed);
        System.out.println("ClusterFailoverTest: killed node A after " + killAfterAcks + " acks with up to " + window
                + " publishes in flight; " + resent + " re-sent after failover, " + duplicates + " of them duplicates");
        assertTrue(duplicates >= 1, "the re-sent publish whose ack was seen is a duplicate");

        // the end marker, published after everything: the next message after the stream for every subscriber
        publisher.send(publish("end", topic, run + "-end", "\"end\""));
        long endSeq = (Long) publisher.await("ack", WAIT).get("seq");
        assertEquals(total + 1L, endSeq, "one seq per distinct key: nothing was stored twice");
        for (Subscriber s : subscribers) {
            List<Map<String, Object>> got = s.awaitMessages(total + 1, WAIT);
            assertMessages(got.subList(0, total), 1, 0, total);
            assertEquals("end", got.get(total).get("data"), s.name + " saw more than the stream before the end");
            for (int i = 0; i < total; i++) {
                assertEquals(ackedSeq.get(i), got.get(i).get("seq"), "the ack's seq is the delivered seq");
            }
            assertTrue(s.gaps.isEmpty(), s.name + " got gaps: " + s.gaps);
        }
        assertTrue(subscribers.get(0).connections >= 2, "subA failed over to node C");
        Map<String, Double> metrics = PrometheusParser.parse(HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + b.port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()));
        assertEquals(Double.valueOf(duplicates), metrics.get("duplex_hub_duplicate_publishes_total"),
                "node B counted the duplicates it acked");
    }

    private static Map<?, ?> member(Map<String, Object> f) {
        return (Map<?, ?>) f.get("member");
    }

    private static String publish(String id, String topic, String key, Object data) {
        return "{\"type\":\"publish\",\"id\":\"" + id + "\",\"topic\":\"" + topic + "\",\"data\":" + data
                + ",\"ack\":true,\"key\":\"" + key + "\"}";
    }

    /** The messages have seqs firstSeq, firstSeq+1, ... and data firstData, firstData+1, ... up to dataEnd. */
    private static void assertMessages(List<Map<String, Object>> messages, long firstSeq, int firstData, int dataEnd) {
        List<Long> seqs = new ArrayList<>();
        List<Long> data = new ArrayList<>();
        List<Long> expectedSeqs = new ArrayList<>();
        List<Long> expectedData = new ArrayList<>();
        for (Map<String, Object> m : messages) {
            seqs.add((Long) m.get("seq"));
            data.add((Long) m.get("data"));
        }
        for (int i = firstData; i < dataEnd; i++) {
            expectedSeqs.add(firstSeq + i - firstData);
            expectedData.add((long) i);
        }
        assertEquals(expectedData, data, "every payload once, in order");
        assertEquals(expectedSeqs, seqs, "seqs without holes or repeats");
    }

    // ------------------------------------------------------------------------------------------------ nodes

    /** One {@code duplex serve --redis} JVM, its output in a file. */
    static final class Node {
        final String name;
        final int port;
        final Process process;
        final Path log;

        private Node(String name, int port, Process process, Path log) {
            this.name = name;
            this.port = port;
            this.process = process;
            this.log = log;
        }

        static Node launch(String redisUri, Path dir, String name, String... extraArgs) throws IOException {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Path log = dir.resolve(name + ".log");
            List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), Duplex.class.getName(),
                    "serve", "--redis", redisUri, "--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--no-demo"));
            command.addAll(List.of(extraArgs));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new Node(name, port, p, log);
        }

        String ws() {
            return "ws://127.0.0.1:" + port + "/hub";
        }

        /**
         * Polls /healthz until it answers 200, then waits for a subscribe to be answered (the hub's writer is
         * connected to Redis); fails with the node's output after 60 s or if it exits.
         */
        void awaitHealthy() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            awaitHttp(deadline);
            Peer probe = Peer.connect(this, "probe");
            try {
                probe.await("welcome", Duration.ofNanos(deadline - System.nanoTime()));
                probe.send("{\"type\":\"subscribe\",\"id\":\"probe\",\"topic\":\"probe\"}");
                probe.await("subscribed", Duration.ofNanos(deadline - System.nanoTime()));
            } finally {
                probe.abort();
            }
        }

        private void awaitHttp(long deadline) throws Exception {
            while (true) {
                if (!process.isAlive()) {
                    fail(name + " exited: " + Files.readString(log));
                }
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    fail(name + " did not answer /healthz within 60 s: " + Files.readString(log));
                }
                TimeUnit.MILLISECONDS.sleep(100); // polling with a deadline for the JVM to start
            }
        }

        /** SIGKILL (destroyForcibly on Linux): no shutdown hook, no goodbye to Redis or clients. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), name + " did not die");
            assertEquals(137, process.exitValue(), "killed by SIGKILL");
        }

        void stop() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ clients

    /** A raw /hub connection on the JDK's WebSocket: every frame received, in order; {@link #closed} when it ends. */
    static final class Peer implements WebSocket.Listener {
        final LinkedBlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket ws;

        static Peer connect(Node node, String name) throws Exception {
            Peer p = new Peer();
            p.ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(node.ws() + "?name=" + name), p)
                    .get(10, TimeUnit.SECONDS);
            return p;
        }

        synchronized void send(String json) {
            ws.sendText(json, true).join();
        }

        /** Sends unless the connection is gone (the node died): the retry after failover covers it. */
        synchronized void trySend(String json) {
            try {
                ws.sendText(json, true).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                closed.complete(null);
            }
        }

        Map<String, Object> poll(long millis) throws InterruptedException {
            return frames.poll(millis, TimeUnit.MILLISECONDS);
        }

        Map<String, Object> awaitFrame(Predicate<Map<String, Object>> wanted, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Map<String, Object> f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertNotNull(f, "no such frame within " + timeout);
                if (wanted.test(f)) {
                    return f;
                }
                if ("message".equals(f.get("type")) || "error".equals(f.get("type"))) {
                    fail("unexpected " + f);
                }
            }
        }

        /** The next frame of {@code type}; presence frames may come in between, anything else fails. */
        Map<String, Object> await(String type, Duration timeout) throws Exception {
            return awaitFrame(f -> type.equals(f.get("type")), timeout);
        }

        /** The next {@code count} messages (presence skipped). */
        List<Map<String, Object>> messages(int count, Duration timeout) throws Exception {
            List<Map<String, Object>> out = new ArrayList<>();
            while (out.size() < count) {
                out.add(await("message", timeout));
            }
            return out;
        }

        void abort() {
            if (ws != null) {
                ws.abort();
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(Json.parseObject(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(null);
        }
    }

    /**
     * A subscriber that stays subscribed: on its own thread it connects to the first node of its list that
     * answers, subscribes (with {@code since} = the last seq it saw after the first time) and records every
     * message and gap; when the connection drops it moves on to the next node.
     */
    static final class Subscriber {
        final String name;
        final List<Node> nodes;
        final String topic;
        final List<Map<String, Object>> messages = new ArrayList<>();
        final List<Map<String, Object>> gaps = new ArrayList<>();
        final CompletableFuture<Void> subscribedOnce = new CompletableFuture<>();
        volatile int connections;
        private volatile boolean stopped;
        private volatile Peer current;
        private final Thread thread;
        private volatile Throwable failure;

        Subscriber(String name, List<Node> nodes, String topic) {
            this.name = name;
            this.nodes = nodes;
            this.topic = topic;
            this.thread = new Thread(this::run, name);
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void awaitSubscribed(Duration timeout) throws Exception {
            subscribedOnce.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void run() {
            Long lastSeq = null;
            int nodeIndex = 0;
            try {
                while (!stopped) {
                    Peer p;
                    try {
                        p = Peer.connect(nodes.get(nodeIndex), name);
                    } catch (Exception e) {
                        nodeIndex = (nodeIndex + 1) % nodes.size(); // that node is down: the next one
                        TimeUnit.MILLISECONDS.sleep(50); // the client's reconnect backoff
                        continue;
                    }
                    current = p;
                    connections++;
                    p.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"" + topic + "\""
                            + (lastSeq == null ? "" : ",\"since\":" + lastSeq) + "}");
                    while (!stopped) {
                        Map<String, Object> f = p.poll(50);
                        if (f == null) {
                            if (p.closed.isDone()) {
                                break;
                            }
                            continue;
                        }
                        switch ((String) f.get("type")) {
                            case "subscribed" -> {
                                if (lastSeq == null) {
                                    lastSeq = (Long) f.get("seq");
                                }
                                subscribedOnce.complete(null);
                            }
                            case "message" -> {
                                lastSeq = (Long) f.get("seq");
                                synchronized (messages) {
                                    messages.add(f);
                                    messages.notifyAll();
                                }
                            }
                            case "gap" -> {
                                synchronized (messages) {
                                    gaps.add(f);
                                }
                            }
                            case "error" -> throw new AssertionError(name + " got " + f);
                            default -> {
                                // welcome, presence
                            }
                        }
                    }
                    p.abort();
                    nodeIndex = (nodeIndex + 1) % nodes.size();
                }
            } catch (Throwable t) {
                failure = t;
                synchronized (messages) {
                    messages.notifyAll();
                }
            }
        }

        /** Waits until {@code count} messages arrived; returns a copy of them. */
        List<Map<String, Object>> awaitMessages(int count, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (messages) {
                while (messages.size() < count && failure == null) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        fail(name + " got " + messages.size() + " of " + count + " messages");
                    }
                    messages.wait(left);
                }
                if (failure != null) {
                    throw new AssertionError(name + " failed", failure);
                }
                return new ArrayList<>(messages);
            }
        }

        void stop() throws InterruptedException {
            stopped = true;
            Peer p = current;
            if (p != null) {
                p.abort();
            }
            thread.join(5_000);
        }
    }
}
