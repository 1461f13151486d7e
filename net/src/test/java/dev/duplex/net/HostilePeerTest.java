package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Raw-socket peers that misbehave: slow, oversized, malformed, silent, unread, or many and abrupt. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostilePeerTest {
    private WebSocketServer server;
    private final ServerEvents events = new ServerEvents(true);

    private int start(WebSocketServer.Builder builder) throws IOException {
        server = builder.host("127.0.0.1").port(0).eventLoops(2).endpoint("/ws", events).build().start();
        return server.port();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void slowlorisIsDroppedAtTheHandshakeTimeout() throws Exception {
        int port = start(WebSocketServer.builder().handshakeTimeout(Duration.ofMillis(300)));
        try (RawClient raw = new RawClient(port)) {
            raw.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: web");
            long t0 = System.nanoTime();
            assertTrue(raw.awaitServerClose(), "dropped before the socket's 10 s read timeout");
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        }
        awaitNoConnections();
    }

    @Test
    void oversizedHeadersGet431() throws Exception {
        int port = start(WebSocketServer.builder());
        try (RawClient raw = new RawClient(port)) {
            raw.send(RawClient.upgradeRequest("/ws", "X-Big: " + "a".repeat(20_000)));
            assertTrue(raw.readHead().startsWith("HTTP/1.1 431"));
            assertTrue(raw.awaitServerClose());
        }
        awaitNoConnections();
    }

    @Test
    void garbageAfterTheHandshakeIsClosedWith1002() throws Exception {
        int port = start(WebSocketServer.builder());
        try (RawClient raw = new RawClient(port).upgrade("/ws")) {
            raw.send((byte) 0xFF, (byte) 0xFF, (byte) 0x13, (byte) 0x37, (byte) 0, (byte) 1);
            RawClient.Frame close = raw.readFrame();
            assertEquals(8, close.opcode());
            assertEquals(1002, close.closeCode());
            assertTrue(raw.awaitServerClose());
        }
        ServerEvents.Closed closed = events.awaitClose();
        assertEquals(1002, closed.code());
        assertFalse(closed.wasClean());
        assertInstanceOf(dev.duplex.core.ProtocolException.class, events.errors.poll(5, TimeUnit.SECONDS));
        awaitNoConnections();
    }

    @Test
    void unmaskedClientFramesAreClosedWith1002() throws Exception {
        int port = start(WebSocketServer.builder());
        try (RawClient raw = new RawClient(port).upgrade("/ws")) {
            raw.send((byte) 0x81, (byte) 0x05, (byte) 'h', (byte) 'e', (byte) 'l', (byte) 'l', (byte) 'o');
            RawClient.Frame close = raw.readFrame();
            assertEquals(8, close.opcode());
            assertEquals(1002, close.closeCode());
            assertTrue(raw.awaitServerClose());
        }
        assertEquals(1002, events.awaitClose().code());
    }

    @Test
    void maskedFramesFromARawClientAreEchoed() throws Exception {
        int port = start(WebSocketServer.builder());
        try (RawClient raw = new RawClient(port).upgrade("/ws")) {
            raw.sendFrame(1, "raw".getBytes(StandardCharsets.UTF_8));
            RawClient.Frame echo = raw.readFrame();
            assertEquals(1, echo.opcode());
            assertEquals("raw", new String(echo.payload(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void silentPeerIsClosedAtTheIdleTimeoutAs1006() throws Exception {
        int port = start(WebSocketServer.builder().idleTimeout(Duration.ofMillis(300))
                .closeTimeout(Duration.ofMillis(300)));
        try (RawClient raw = new RawClient(port).upgrade("/ws")) {
            RawClient.Frame close = raw.readFrame();
            assertEquals(8, close.opcode());
            assertEquals(1001, close.closeCode());
            ServerEvents.Closed closed = events.awaitClose();
            assertEquals(1006, closed.code(), "the peer never answered the close");
            assertFalse(closed.wasClean());
            assertTrue(raw.awaitServerClose());
        }
    }

    @Test
    void deadPeerMissingThePongDeadlineIsClosedAs1006() throws Exception {
        int port = start(WebSocketServer.builder().ping(Duration.ofMillis(200), Duration.ofMillis(300)));
        try (RawClient raw = new RawClient(port).upgrade("/ws")) {
            RawClient.Frame ping = raw.readFrame();
            assertEquals(9, ping.opcode());
            ServerEvents.Closed closed = events.awaitClose();
            assertEquals(1006, closed.code());
            assertFalse(closed.wasClean());
            assertTrue(raw.awaitServerClose());
        }
    }

    @Test
    void livePeerAnsweringPingsStaysOpen() throws Exception {
        int port = start(WebSocketServer.builder().ping(Duration.ofMillis(100), Duration.ofMillis(1000)));
        try (RawClient raw = new RawClient(port).upgrade("/ws")) {
            for (int i = 0; i < 5; i++) {
                RawClient.Frame ping = raw.readFrame();
                assertEquals(9, ping.opcode());
                raw.sendFrame(10, ping.payload());
            }
            assertFalse(events.closed.isDone(), "five pings answered: still open");
            assertTrue(events.awaitOpen().isOpen());
        }
    }

    @Test
    void peerThatNeverReadsTriggersTheDropPolicy() throws Exception {
        long high = 256 << 10;
        int port = start(WebSocketServer.builder().backpressure(high, 64 << 10, BackpressurePolicy.DROP));
        try (RawClient raw = new RawClient(port, 4096).upgrade("/ws")) {
            assertTrue(raw.socket.isConnected());
            ServerSession session = events.awaitOpen();
            String chunk = "x".repeat(16 << 10);
            SendResult result = SendResult.QUEUED;
            long maxSeen = 0;
            int sent = 0;
            while (result != SendResult.REFUSED && sent < 100_000) {
                result = session.send(chunk);
                maxSeen = Math.max(maxSeen, session.bufferedAmount());
                sent++;
            }
            assertEquals(SendResult.REFUSED, result, "the policy fired");
            assertTrue(maxSeen <= high + chunk.length() + 64, "buffered " + maxSeen + " stays near the mark");
            assertTrue(session.isOpen(), "DROP keeps the connection");
        }
    }

    @Test
    void peerThatNeverReadsIsClosedUnderTheClosePolicy() throws Exception {
        long high = 256 << 10;
        int port = start(WebSocketServer.builder().closeTimeout(Duration.ofMillis(300))
                .backpressure(high, 64 << 10, BackpressurePolicy.CLOSE_TRY_AGAIN_LATER));
        try (RawClient raw = new RawClient(port, 4096).upgrade("/ws")) {
            assertTrue(raw.socket.isConnected());
            ServerSession session = events.awaitOpen();
            String chunk = "y".repeat(16 << 10);
            SendResult result = SendResult.QUEUED;
            for (int i = 0; i < 100_000 && result != SendResult.REFUSED; i++) {
                result = session.send(chunk);
            }
            assertEquals(SendResult.REFUSED, result);
            assertFalse(session.isOpen());
            ServerEvents.Closed closed = events.awaitClose();
            assertEquals(1006, closed.code(), "the unread peer could not complete the close handshake");
            assertTrue(session.bufferedAmount() <= high + chunk.length() + 64);
        }
        awaitNoConnections();
    }

    @Test
    void pausedPeerGetsDrainWhenItReadsAgain() throws Exception {
        long high = 256 << 10;
        int port = start(WebSocketServer.builder().backpressure(high, 64 << 10, BackpressurePolicy.PAUSE_READING));
        try (RawClient raw = new RawClient(port, 4096).upgrade("/ws")) {
            ServerSession session = events.awaitOpen();
            String chunk = "z".repeat(16 << 10);
            SendResult result = SendResult.QUEUED;
            int sent = 0;
            while (result != SendResult.QUEUED_ABOVE_HIGH_WATER) {
                result = session.send(chunk);
                sent++;
                assertTrue(sent < 100_000);
            }
            // onDrain may come before the peer reads: it means our queue is empty (the kernel took the rest)
            long expected = (long) sent * chunk.length();
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
                long total = 0;
                try {
                    while (total < expected) {
                        total += raw.readFrame().payload().length;
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                return total;
            });
            assertEquals(true, events.drains.poll(20, TimeUnit.SECONDS), "onDrain after the peer caught up");
            assertEquals(expected, reader.get(20, TimeUnit.SECONDS));
            assertEquals(0, session.bufferedAmount());
        }
    }

    @Test
    void twoThousandAbruptConnectionsLeakNothing() throws Exception {
        int threadsBefore = Thread.activeCount();
        int port = start(WebSocketServer.builder().handshakeTimeout(Duration.ofSeconds(30)));
        List<RawClient> clients = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 500; i++) {
                RawClient c = new RawClient(port);
                if (i % 2 == 0) {
                    c.upgrade("/ws");
                } else {
                    c.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n");
                }
                clients.add(c);
            }
            for (RawClient c : clients) {
                c.abort();
            }
            clients.clear();
        }
        awaitNoConnections();
        assertEquals(0, server.sessions().size());
        server.stop();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Thread.activeCount() > threadsBefore) {
            assertTrue(System.nanoTime() < deadline, "threads left: " + Thread.activeCount() + " > " + threadsBefore);
            Thread.onSpinWait();
        }
    }

    private void awaitNoConnections() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (server.openConnections() != 0) {
            assertTrue(System.nanoTime() < deadline, "connections still open: " + server.openConnections());
            Thread.onSpinWait();
        }
    }
}
