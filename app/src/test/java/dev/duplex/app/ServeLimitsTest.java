package dev.duplex.app;

import dev.duplex.net.Endpoint;
import dev.duplex.net.HttpReply;
import dev.duplex.net.ServerHealth;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code duplex serve}'s overload options: Origin policy, connection limits, budget, health and its metrics. */
@Timeout(60)
class ServeLimitsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private static Serving start(String... args) throws Exception {
        return command(args).start();
    }

    private static ServeCommand command(String... args) {
        ServeCommand command = new ServeCommand();
        List<String> all = new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1", "--memory", "--no-demo"));
        all.addAll(List.of(args));
        new CommandLine(command).parseArgs(all.toArray(String[]::new));
        return command;
    }

    /** The status line of an upgrade to {@code path} with Host 127.0.0.1:port and an optional Origin. */
    private static String upgrade(int port, String path, String origin) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return readHead(s.getInputStream());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while (last4 != 0x0D0A0D0A && (b = in.read()) >= 0) {
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void sameOriginByDefaultOnTheHubAndTheRawEndpoints() throws Exception {
        try (Serving s = start()) {
            int port = s.port();
            for (String path : List.of("/hub", "/echo", "/broadcast/t", "/broadcast")) {
                assertTrue(upgrade(port, path, null).startsWith("HTTP/1.1 101"), path + " without Origin");
                assertTrue(upgrade(port, path, "http://127.0.0.1:" + port).startsWith("HTTP/1.1 101"),
                        path + " from our own pages");
                assertTrue(upgrade(port, path, "https://evil.example").startsWith("HTTP/1.1 403"),
                        path + " from another site");
            }
        }
    }

    @Test
    void allowOriginAddsOriginsAndTheWildcardAcceptsAny() throws Exception {
        try (Serving s = start("--allow-origin", "https://app.example", "--allow-origin", "https://two.example")) {
            assertTrue(upgrade(s.port(), "/hub", "https://app.example").startsWith("HTTP/1.1 101"));
            assertTrue(upgrade(s.port(), "/echo", "https://two.example").startsWith("HTTP/1.1 101"));
            assertTrue(upgrade(s.port(), "/echo", "https://evil.example").startsWith("HTTP/1.1 403"));
        }
        try (Serving s = start("--allow-origin", "*")) {
            assertTrue(upgrade(s.port(), "/hub", "https://evil.example").startsWith("HTTP/1.1 101"));
        }
    }

    @Test
    void connectionsOverThePerIpLimitGet503AndTheLimitsShowInMetrics() throws Exception {
        try (Serving s = start("--max-connections-per-ip", "2", "--max-buffered-memory", "64m")) {
            int port = s.port();
            try (Socket a = open(port); Socket b = open(port)) {
                String head = upgrade(port, "/echo", null);
                assertTrue(head.startsWith("HTTP/1.1 503"), head);
                assertTrue(head.contains("Retry-After: 5"), head);
            }
            Map<String, Double> m = awaitMetrics(s, "duplex_connections_open", 1.0);
            assertEquals(1.0, m.get("duplex_connections_rejected_total"));
            assertEquals(64.0 * 1024 * 1024, m.get("duplex_memory_budget_bytes"));
            for (String name : List.of("duplex_buffered_bytes", "duplex_connections_shed_total",
                    "duplex_handshake_timeouts_total", "duplex_read_timeouts_total", "duplex_write_timeouts_total",
                    "duplex_accept_failures_total", "duplex_event_loops_not_turning")) {
                assertTrue(m.containsKey(name), name + " in " + m.keySet());
            }
            assertEquals(0.0, m.get("duplex_event_loops_not_turning"));
        }
    }

    private static Socket open(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** Scrapes /metrics (over its own connection, which counts as open) until {@code name} has {@code value}. */
    private Map<String, Double> awaitMetrics(Serving s, String name, double value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            Map<String, Double> m = PrometheusParser.parse(http.send(HttpRequest.newBuilder(
                    URI.create(s.httpBase() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()));
            if (m.get(name) == value || System.nanoTime() > deadline) {
                return m;
            }
        }
    }

    @Test
    void healthzAnswers503WhileALoopIsStalled() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<WebSocketServer> started = new java.util.concurrent.atomic.AtomicReference<>();
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2)
                .watchdog(Duration.ofMillis(200))
                .http("/healthz", request -> Serving.healthz(started.get()))
                .http("/block", request -> {
                    blocked.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS); // blocks its event loop
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return HttpReply.text(200, "done");
                })
                .build().start();
        started.set(server);
        try {
            assertTrue(get(server.port(), "/healthz").startsWith("HTTP/1.1 200"));
            Thread client = new Thread(() -> {
                try {
                    get(server.port(), "/block");
                } catch (IOException ignored) {
                    // the server stops
                }
            });
            client.start();
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.isHealthy()) {
                assertTrue(System.nanoTime() < deadline, "the watchdog reports the stalled loop");
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // a poll with a deadline
            }
            // connections go to the loops in turn: this one lands on the loop that still turns
            String response = get(server.port(), "/healthz");
            assertTrue(response.startsWith("HTTP/1.1 503"), response);
            assertTrue(response.contains("{\"status\":\"unhealthy\",\"problems\":[\"duplex-server-"), response);
            release.countDown();
            client.join(10_000);
        } finally {
            release.countDown();
            server.stop();
        }
    }

    /** A whole plain HTTP response (the server closes after one). */
    private static String get(int port, String path) throws IOException {
        try (Socket s = open(port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aHubSubscriberThatStopsReadingGetsThe1013CloseFrameNotATruncatedFrame() throws Exception {
        try (Serving s = start("--history", "0"); Socket c = new Socket()) {
            c.setReceiveBufferSize(4096);
            c.connect(new InetSocketAddress("127.0.0.1", s.port()), 5000);
            c.setSoTimeout(20_000);
            String request = "GET /hub?name=slow HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            c.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            java.io.DataInputStream in = new java.io.DataInputStream(c.getInputStream());
            assertTrue(readHead(in).startsWith("HTTP/1.1 101"));
            assertTrue(readText(in).contains("\"welcome\""));
            byte[] subscribe = "{\"type\":\"subscribe\",\"id\":\"s1\",\"topic\":\"t\"}".getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[6 + subscribe.length];
            frame[0] = (byte) 0x81;
            frame[1] = (byte) (0x80 | subscribe.length);
            System.arraycopy(subscribe, 0, frame, 6, subscribe.length); // mask key 0: payload unchanged
            c.getOutputStream().write(frame);
            assertTrue(readText(in).contains("\"subscribed\""));
            // the subscriber stops reading; publish until the hub closes it for its backlog
            String data = "{\"pad\":\"" + "x".repeat(8000) + "\"}";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int published = 0;
            while (s.hub().metrics().slowConsumersClosed() == 0) {
                assertTrue(System.nanoTime() < deadline, "the hub closes the slow consumer");
                s.hub().publish("t", data).get(10, TimeUnit.SECONDS);
                published++;
            }
            int read = 0;
            // reading again, it finds whole frames and then the close frame: 1013, not a cut frame and 1006
            int code;
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = in.readUnsignedShort();
                } else if (len == 127) {
                    len = in.readLong();
                }
                byte[] payload = new byte[(int) len];
                in.readFully(payload);
                if ((b0 & 0x0F) == 8) {
                    code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                    break;
                }
                read++;
            }
            assertEquals(1013, code);
            // the hub closes at a 4 MiB backlog and drops it; how much the kernel's socket buffers had taken before
            // (some 6 MB in one run) decides how many arrive, but not all of them
            assertTrue(read < published, "read " + read + " of " + published + " messages before the close");
        }
    }

    /** One unmasked text frame's payload (short frames: the hub's welcome and replies). */
    private static String readText(java.io.DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int len = in.readUnsignedByte() & 0x7F;
        if (len == 126) {
            len = in.readUnsignedShort();
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        assertEquals(0x81, b0);
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Test
    void aDeadLoopEndsServeWithOneLineAndStatus70() {
        ServeCommand command = command();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        command.log = new PrintStream(err, true, StandardCharsets.UTF_8);
        List<Integer> exits = new ArrayList<>();
        command.exit = exits::add;
        command.healthChanged(new ServerHealth(false, 1, 0, List.of("duplex-server-0 has not turned for 900 ms")));
        assertEquals(List.of(), exits, "a stalled loop may recover: logged only");
        command.healthChanged(new ServerHealth(false, 0, 1, List.of("duplex-server-1 is dead (its thread ended)")));
        assertEquals(List.of(ServeCommand.EXIT_LOOP_DIED), exits);
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("duplex serve: stopping, an event loop died: duplex-server-1 is dead (its thread ended)"),
                lines, "the stalled loop goes to the log; the dead one is the last line on stderr");
    }

    @Test
    void badLimitValuesAreRefused() {
        assertThrows(CommandLine.ParameterException.class, () -> command("--read-timeout", "soon"));
        assertThrows(CommandLine.ParameterException.class, () -> command("--max-buffered-memory", "-5m"));
        assertThrows(CommandLine.ParameterException.class, () -> start("--max-connections", "-1"));
        assertEquals(Duration.ofMillis(500), command("--write-timeout", "500ms").writeTimeout);
        assertEquals(Duration.ofSeconds(30), command().readTimeout);
        assertEquals(1L << 30, command("--max-buffered-memory", "1g").maxBufferedMemory);
    }
}
