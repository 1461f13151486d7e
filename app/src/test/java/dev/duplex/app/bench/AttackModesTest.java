package dev.duplex.app.bench;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attack modes of {@code duplex bench} against real servers on 127.0.0.1: what each sends, and that the report
 * says what the server did with the connections (close codes, statuses, resets, still open). No assertion on speed.
 */
@Timeout(120)
class AttackModesTest {

    /** /sink counts whole messages and their sizes and answers each with 64 KiB; /slow-close closes on the first. */
    private static final class Sink {
        final AtomicLong messages = new AtomicLong();
        final AtomicLong wrongSize = new AtomicLong();
        final AtomicLong maxBuffered = new AtomicLong();
        final WebSocketServer server;

        Sink(int expectedSize, Duration idleTimeout) throws IOException {
            ByteBuffer reply = ByteBuffer.allocate(64 * 1024);
            WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                    .endpoint("/sink", new Endpoint() {
                        @Override
                        public void onBinary(ServerSession session, ByteBuffer data) {
                            messages.incrementAndGet();
                            if (data.remaining() != expectedSize) {
                                wrongSize.incrementAndGet();
                            }
                            session.send(reply.duplicate());
                            maxBuffered.accumulateAndGet(session.bufferedAmount(), Math::max);
                        }
                    })
                    .endpoint("/close-1013", new Endpoint() {
                        @Override
                        public void onBinary(ServerSession session, ByteBuffer data) {
                            session.close(1013, "go away");
                        }
                    });
            if (!idleTimeout.isZero()) {
                b.idleTimeout(idleTimeout);
            }
            server = b.build().start();
        }

        String url(String path) {
            return "ws://127.0.0.1:" + server.port() + path;
        }
    }

    @Test
    void slowreadSendsWholeFramesOfTheSizeAndNeverReads() throws Exception {
        Sink sink = new Sink(2000, Duration.ZERO);
        try {
            BenchRun run = BenchRun.of(sink.url("/sink"), "--mode", "slowread", "-c", "4", "--size", "2000",
                    "-d", "1500ms");
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals("slowread", run.at("mode"));
            assertEquals(false, run.at("reads"));
            assertEquals(4, run.number("attack", "attacking"), run::toString);
            assertEquals(4, run.number("attack", "stillOpen"), run::toString);
            assertEquals(0, run.number("attack", "endedByServer"), run::toString);
            long frames = run.number("attack", "framesSent");
            assertTrue(frames > 0 && sink.messages.get() > 0 && sink.messages.get() <= frames, run::toString);
            assertEquals(0, sink.wrongSize.get(), "every frame carries --size bytes");
            // nobody reads the 64 KiB answers: the server's queue for a connection grows past its high-water mark
            assertTrue(sink.maxBuffered.get() >= 512 * 1024, "max buffered " + sink.maxBuffered.get());
        } finally {
            sink.server.stop();
        }
    }

    @Test
    void slowreadAndFloodReportTheCloseCodeTheServerSent() throws Exception {
        Sink sink = new Sink(100, Duration.ZERO);
        try {
            for (String mode : List.of("slowread", "flood")) {
                BenchRun run = BenchRun.of(sink.url("/close-1013"), "--mode", mode, "-c", "5", "--size", "100",
                        "-d", "20s");
                assertEquals(0, run.exitCode(), run::toString);
                assertEquals(5, run.number("attack", "endedByServer"), run::toString);
                assertEquals(Map.of("1013", 5L), Map.copyOf(closeCodes(run)), run::toString);
                assertEquals(5, run.number("attack", "closed"), run::toString);
                assertEquals(5, run.number("attack", "heldMillis", "count"), run::toString);
                assertTrue(run.decimal("runSeconds") < 15, "ends once every connection is shed: " + run);
            }
        } finally {
            sink.server.stop();
        }
    }

    @Test
    void floodSendsAtTheCappedRateAndReadsTheEchoes() throws Exception {
        Sink sink = new Sink(64, Duration.ZERO);
        try {
            BenchRun run = BenchRun.of(sink.url("/sink"), "--mode", "flood", "-c", "2", "--size", "64",
                    "--rate", "200", "-d", "1s");
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals(true, run.at("reads"));
            long frames = run.number("attack", "framesSent");
            assertTrue(frames >= 100 && frames <= 260, "about 200 frames in a second: " + run);
            assertEquals(2, run.number("attack", "stillOpen"), run::toString);
            assertTrue(run.number("attack", "bytesReceived") > 64 * 1024, "the replies were read: " + run);
            assertEquals(0, sink.wrongSize.get());
        } finally {
            sink.server.stop();
        }
    }

    @Test
    void partialSendsAllButTheLastByteAndSeesTheIdleClose() throws Exception {
        Sink sink = new Sink(5000, Duration.ofMillis(700));
        try {
            BenchRun run = BenchRun.of(sink.url("/sink"), "--mode", "partial", "-c", "3", "--size", "5000",
                    "-d", "20s");
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals(0, sink.messages.get(), "the frame is never complete");
            assertEquals(3L * (MaskedFrames.frameLength(5000) - 1),
                    run.number("attack", "bytesSent") - requestBytes(run, 3), run::toString);
            assertEquals(Map.of("1001", 3L), Map.copyOf(closeCodes(run)), run::toString);
            assertTrue(run.decimal("attack", "heldMillis", "p50") >= 600, run::toString);
            assertTrue(run.decimal("runSeconds") < 15, run::toString);
        } finally {
            sink.server.stop();
        }
    }

    @Test
    void slowlorisTricklesAHeadThatNeverEnds() throws Exception {
        try (RawServer raw = new RawServer(null)) {
            BenchRun run = BenchRun.of("ws://127.0.0.1:" + raw.port() + "/echo", "--mode", "slowloris", "-c", "2",
                    "--interval", "20ms", "-d", "1s");
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals(2, run.number("attack", "attacking"), run::toString);
            assertEquals(2, run.number("attack", "stillOpen"), run::toString);
            List<String> heads = raw.received(2);
            for (String head : heads) {
                assertTrue(head.startsWith("GET /echo HTTP/1.1\r\n"), head);
                assertFalse(head.contains("\r\n\r\n"), "the head never ends: " + head);
                // 4 bytes every 20 ms for a second: tens of writes, not the whole request at once
                assertTrue(head.length() >= 40 && head.length() <= 4 * 60, head.length() + ": " + head);
            }
            assertTrue(raw.writes() >= 10, "trickled in many small writes, read " + raw.writes() + " times");
        }
    }

    @Test
    void slowlorisPastTheHeadLimitIsRefusedWith431() throws Exception {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .requestLimits(400, 100).endpoint("/echo", new Endpoint() {
                }).build().start();
        try {
            BenchRun run = BenchRun.of("ws://127.0.0.1:" + server.port() + "/echo", "--mode", "slowloris", "-c", "3",
                    "--interval", "1ms", "-d", "20s");
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals(3, run.number("attack", "rejected"), run::toString);
            assertEquals(Map.of("431", 3L), Map.copyOf(statuses(run)), run::toString);
            assertTrue(run.number("attack", "bytesSent") >= 3 * 400, run::toString);
        } finally {
            server.stop();
        }
    }

    @Test
    void refusalsCountTheStatusAndRetryAfter() throws Exception {
        String answer = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n";
        try (RawServer raw = new RawServer(answer)) {
            BenchRun run = BenchRun.of("ws://127.0.0.1:" + raw.port() + "/echo", "--mode", "partial", "-c", "3",
                    "-d", "20s");
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals(3, run.number("attack", "rejected"), run::toString);
            assertEquals(0, run.number("attack", "attacking"), run::toString);
            assertEquals(Map.of("503", 3L), Map.copyOf(statuses(run)), run::toString);
            assertEquals(3, run.number("attack", "retryAfter"), run::toString);
        }
    }

    @Test
    void resetsAndRefusedConnectionsAreTold() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        BenchRun refused = BenchRun.of("ws://127.0.0.1:" + closedPort + "/echo", "--mode", "flood", "-c", "2",
                "-d", "5s");
        assertEquals(0, refused.exitCode(), refused::toString);
        assertEquals(2, refused.number("attack", "connectFailed"), refused::toString);
        assertTrue(((Map<?, ?>) refused.at("examples")).keySet().stream()
                .anyMatch(k -> k.toString().startsWith("connect:")), refused::toString);

        // a server that answers the upgrade, then drops the connection abortively
        try (RawServer raw = new RawServer(RawServer.ACCEPT_THEN_RESET)) {
            BenchRun run = BenchRun.of("ws://127.0.0.1:" + raw.port() + "/echo", "--mode", "slowread", "-c", "2",
                    "--size", "1000", "-d", "20s");
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals(2, run.number("attack", "attacking"), run::toString);
            assertEquals(2, run.number("attack", "reset") + run.number("attack", "endedWithoutClose"), run::toString);
        }
    }

    @Test
    void badAttackOptionsAreRefused() {
        assertEquals(2, BenchRun.of("ws://127.0.0.1:1/echo", "--mode", "partial", "--size", "0").exitCode());
        assertEquals(2, BenchRun.of("ws://127.0.0.1:1/echo", "--mode", "flood", "-n", "10").exitCode());
        assertEquals(2, BenchRun.of("ws://127.0.0.1:1/echo", "--mode", "slowloris", "--interval", "0").exitCode());
        assertEquals(2, BenchRun.of("ws://127.0.0.1:1/echo", "--mode", "nonsense").exitCode());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> closeCodes(BenchRun run) {
        return (Map<String, Object>) run.at("attack", "closeCodes");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> statuses(BenchRun run) {
        return (Map<String, Object>) run.at("attack", "httpStatuses");
    }

    /** The bytes of {@code n} upgrade requests to the run's URL (they differ only in their random key). */
    private static long requestBytes(BenchRun run, int n) {
        java.net.URI url = java.net.URI.create(String.valueOf(run.at("url")));
        return (long) n * new dev.duplex.core.handshake.ClientHandshake(url).request().length;
    }

    /**
     * A plain TCP server: records what every connection sends; with an answer, writes it once the request head is
     * complete; {@link #ACCEPT_THEN_RESET} accepts the upgrade and then resets the connection.
     */
    private static final class RawServer implements AutoCloseable {
        static final String ACCEPT_THEN_RESET = "accept-then-reset";
        private final ServerSocket socket;
        private final String answer;
        private final List<ByteArrayOutputStream> received = new CopyOnWriteArrayList<>();
        private final AtomicLong writes = new AtomicLong();
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        RawServer(String answer) throws IOException {
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.answer = answer;
            this.acceptor = new Thread(this::accept, "raw-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        long writes() {
            return writes.get();
        }

        /** What the first {@code n} connections sent, once each of them has been closed by its client. */
        List<String> received(int n) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (accepted.size() < n || accepted.stream().anyMatch(s -> !s.isClosed())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("connections still open: " + accepted);
                }
                Thread.sleep(5);
            }
            return received.stream().limit(n).map(b -> b.toString(StandardCharsets.ISO_8859_1)).toList();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.add(s);
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    received.add(bytes);
                    Thread t = new Thread(() -> serve(s, bytes), "raw-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s, ByteArrayOutputStream bytes) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                byte[] buffer = new byte[8192];
                int n;
                boolean answered = false;
                while ((n = in.read(buffer)) > 0) {
                    writes.incrementAndGet();
                    synchronized (bytes) {
                        bytes.write(buffer, 0, n);
                    }
                    if (answer != null && !answered && bytes.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        answered = true;
                        if (answer.equals(ACCEPT_THEN_RESET)) {
                            out.write(upgradeAnswer(bytes.toString(StandardCharsets.ISO_8859_1)));
                            out.flush();
                            s.setSoLinger(true, 0);
                            return; // closing with linger 0 resets the connection
                        }
                        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        private static byte[] upgradeAnswer(String request) {
            String key = request.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
            String accept;
            try {
                accept = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
