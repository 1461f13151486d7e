package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The overload guards against raw-socket peers: the memory budget sheds non-reading and oversized-input peers while
 * a well-behaved client keeps its echoes, progress timeouts close stalled frames and stalled writers, connection
 * limits answer 503, and a close for backlog reaches the peer at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerLimitsTest {
    private static final int OP_TEXT = 1;
    private static final int OP_BINARY = 2;
    private static final int OP_CLOSE = 8;

    private WebSocketServer server;
    private final List<RawClient> clients = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "limits-test");
        t.setDaemon(true);
        return t;
    });

    /** Echoes everything, like duplex serve's /echo. */
    private static final Endpoint ECHO = new Endpoint() {
        @Override
        public void onText(ServerSession s, String text) {
            s.send(text);
        }

        @Override
        public void onBinary(ServerSession s, ByteBuffer data) {
            s.send(data);
        }
    };

    private int start(WebSocketServer.Builder builder, Endpoint endpoint) throws IOException {
        server = builder.host("127.0.0.1").port(0).eventLoops(2).endpoint("/ws", endpoint)
                .errorHandler(e -> { }).build().start();
        return server.port();
    }

    private RawClient connect(int port, int receiveBuffer) throws IOException {
        RawClient c = new RawClient(port, receiveBuffer);
        clients.add(c);
        return c;
    }

    @AfterEach
    void stop() throws IOException {
        for (RawClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.stop();
        }
        threads.shutdownNow();
    }

    @Test
    void nonReadingClientsOverTheBudgetAreShedWith1013WhileAGoodClientKeepsItsEchoes() throws Exception {
        int port = start(WebSocketServer.builder().memoryBudget(2 << 20).closeTimeout(Duration.ofSeconds(10))
                .backpressure(256 << 10, 64 << 10, BackpressurePolicy.PAUSE_READING), ECHO);
        RawClient good = connect(port, 0).upgrade("/ws");
        byte[] frame = ClientFrames.frame(OP_BINARY, new byte[60_000]);
        int hostile = 12;
        CountDownLatch writersDone = new CountDownLatch(hostile);
        AtomicBoolean stopWriting = new AtomicBoolean();
        List<RawClient> bad = new ArrayList<>();
        for (int i = 0; i < hostile; i++) {
            RawClient c = connect(port, 4096).upgrade("/ws");
            bad.add(c);
            threads.execute(() -> {
                try {
                    // the kernel takes up to 4 MiB of unread output per socket before the server queues any
                    for (int n = 0; n < 200 && !stopWriting.get(); n++) {
                        c.send(frame); // blocks once the server stops reading this peer
                    }
                } catch (IOException closed) {
                    // shed: the server stopped listening
                } finally {
                    writersDone.countDown();
                }
            });
        }
        long budget = 2 << 20;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int echoes = 0;
        long maxSeen = 0;
        // how many are shed depends on how much the kernel buffers take before the server queues: at least one
        while (server.metrics().connectionsShed() < 1) {
            assertTrue(System.nanoTime() < deadline, "shedding started: " + server.metrics());
            assertEcho(good, "ping " + echoes++);
            maxSeen = Math.max(maxSeen, server.metrics().bufferedBytes());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // pacing, not waiting for anything
        }
        stopWriting.set(true);
        // the good client is served all along, each echo within a deadline
        for (int i = 0; i < 20; i++) {
            assertEcho(good, "still here " + i);
            maxSeen = Math.max(maxSeen, server.metrics().bufferedBytes());
        }
        assertTrue(maxSeen < 2 * budget, "held " + maxSeen + " stays near the budget " + budget);
        // the shed peers find a 1013 close frame after their (finite) pending bytes, never a truncated frame
        ConcurrentLinkedQueue<Integer> found = new ConcurrentLinkedQueue<>();
        CountDownLatch readersDone = new CountDownLatch(bad.size());
        for (RawClient c : bad) {
            threads.execute(() -> {
                try {
                    c.socket.setSoTimeout(3000);
                    found.add(readUntilClose(c));
                } catch (IOException e) {
                    throw new AssertionError(e);
                } finally {
                    readersDone.countDown();
                }
            });
        }
        assertTrue(readersDone.await(30, TimeUnit.SECONDS));
        long shed = found.stream().filter(code -> code == 1013 || code == 1009).count();
        assertTrue(found.contains(1013), "close codes seen: " + found);
        assertEquals(server.metrics().connectionsShed(), shed, "every shed peer got its close frame: " + found);
        // a peer picked while the message it was sending held more than its output gets 1009, as for input
        assertTrue(found.stream().allMatch(code -> code == 1013 || code == 1009 || code == 0),
                "close codes seen: " + found);
        for (RawClient c : bad) {
            c.close();
        }
        assertTrue(writersDone.await(20, TimeUnit.SECONDS));
        assertEcho(good, "after");
        awaitTrue(() -> server.metrics().bufferedBytes() < 64 << 10, "budget in use back to ~0");
        // a shed peer that flooded on after our close frame is no longer read, so its going is noticed by the
        // close timer (10 s here) rather than at once
        awaitTrue(() -> server.sessions().size() == 1, "the shed sessions end");
    }

    @Test
    void partialFramesTimeOutAndReleaseTheirMemory() throws Exception {
        int port = start(WebSocketServer.builder().readTimeout(Duration.ofMillis(400))
                .closeTimeout(Duration.ofMillis(300)), ECHO);
        int n = 30;
        for (int i = 0; i < n; i++) {
            RawClient c = connect(port, 0).upgrade("/ws");
            c.send(ClientFrames.partial(OP_BINARY, 65_536, new byte[65_000]));
        }
        awaitTrue(() -> server.metrics().bufferedBytes() >= n * 65_000L, "the partial input is counted");
        for (int i = 0; i < n; i++) {
            assertEquals(1008, readUntilClose(clients.get(i)), "read timeout closes with 1008");
        }
        awaitTrue(() -> server.openConnections() == 0, "all closed");
        assertEquals(n, server.metrics().readTimeouts());
        assertEquals(0, server.metrics().bufferedBytes(), "memory released");
    }

    @Test
    void aSlowButMovingMessageAndAnIdleSessionAreNotReadTimeouts() throws Exception {
        ServerEvents events = new ServerEvents(true);
        int port = start(WebSocketServer.builder().readTimeout(Duration.ofMillis(500)), events);
        RawClient c = connect(port, 0).upgrade("/ws");
        byte[] whole = ClientFrames.frame(OP_TEXT, "slow but steady".getBytes(StandardCharsets.UTF_8));
        for (byte b : whole) {
            c.send(b);
            // pacing, not waiting: a peer that sends a byte every 60 ms, 1.2 s in all, well over the timeout
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(60));
        }
        assertEquals("slow but steady", events.messages.poll(5, TimeUnit.SECONDS));
        assertEquals("slow but steady", new String(c.readFrame().payload(), StandardCharsets.UTF_8));
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1200)); // idle between messages for over 2 timeouts
        assertEquals(0, server.metrics().readTimeouts());
        assertEcho(c, "idle is fine");
    }

    @Test
    void inputOverTheBudgetIsShedWith1009() throws Exception {
        int port = start(WebSocketServer.builder().memoryBudget(1 << 20).readTimeout(Duration.ZERO)
                .closeTimeout(Duration.ofMillis(300)), ECHO);
        RawClient good = connect(port, 0).upgrade("/ws");
        int n = 24; // 24 x 64 KiB = 1.5 MiB of partial input against a 1 MiB budget
        for (int i = 0; i < n; i++) {
            RawClient c = connect(port, 0).upgrade("/ws");
            c.send(ClientFrames.partial(OP_BINARY, 65_536, new byte[65_000]));
        }
        // 1.56 MB arrives in all: with at most 1 MiB kept, at least 8 go once every byte was read (the server reads
        // at its own pace, so the passes may come in several steps)
        awaitTrue(() -> server.metrics().connectionsShed() >= 6, "input over the budget is shed");
        int shed = 0;
        for (int i = 1; i <= n; i++) {
            RawClient c = clients.get(i);
            c.socket.setSoTimeout(300);
            try {
                RawClient.Frame f = c.readFrame();
                assertEquals(OP_CLOSE, f.opcode());
                assertEquals(1009, f.closeCode());
                shed++;
            } catch (SocketTimeoutException notShed) {
                // kept: the budget only sheds down to three quarters
            }
        }
        assertTrue(shed >= 6 && shed < n, "shed " + shed + " of " + n);
        assertEcho(good, "served on");
        // a shed connection's input counts until its close ends (the close timeout at most)
        awaitTrue(() -> server.metrics().bufferedBytes() <= 1 << 20, "held input back under the budget");
    }

    @Test
    void closeDiscardingBacklogDeliversTheCloseFrameAtOnce() throws Exception {
        ServerEvents events = new ServerEvents(false);
        int port = start(WebSocketServer.builder().memoryBudget(256 << 20).maxBufferedPerConnection(64 << 20)
                .backpressure(64 << 20, 32 << 20, BackpressurePolicy.PAUSE_READING), events);
        RawClient slow = connect(port, 4096).upgrade("/ws");
        ServerSession session = events.awaitOpen();
        String chunk = "b".repeat(64 << 10);
        int chunks = 256;
        for (int i = 0; i < chunks; i++) {
            session.send(chunk); // 16 MiB the peer does not read; the kernel takes 4 MiB of it at most
        }
        awaitTrue(() -> server.metrics().bufferedBytes() > 8 << 20, "a backlog builds up on the loop");
        session.closeDiscardingBacklog(1013, "slow consumer");
        long t0 = System.nanoTime();
        long before = 0;
        RawClient.Frame f;
        while ((f = slow.readFrame()).opcode() != OP_CLOSE) {
            assertEquals(OP_TEXT, f.opcode(), "whole frames only");
            assertEquals(chunk.length(), f.payload().length);
            before += f.payload().length;
        }
        assertEquals(1013, f.closeCode(), "the peer sees 1013, not a truncated frame and 1006");
        assertEquals("slow consumer", new String(f.payload(), 2, f.payload().length - 2, StandardCharsets.UTF_8));
        long total = (long) chunks * chunk.length();
        assertTrue(before < total, "read " + before + " of " + total + " bytes before the close: "
                + "the backlog was dropped");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "promptly");
        slow.send(ClientFrames.frame(OP_CLOSE, new byte[] {0x03, (byte) 0xF5}));
        assertEquals(1013, events.awaitClose().code());
        awaitTrue(() -> server.metrics().bufferedBytes() == 0, "nothing held after the close");
    }

    @Test
    void theSendBufferFullPolicyAlsoDiscardsTheBacklog() throws Exception {
        ServerEvents events = new ServerEvents(false);
        int port = start(WebSocketServer.builder()
                .backpressure(1 << 20, 256 << 10, BackpressurePolicy.CLOSE_TRY_AGAIN_LATER), events);
        RawClient slow = connect(port, 4096).upgrade("/ws");
        ServerSession session = events.awaitOpen();
        String chunk = "c".repeat(64 << 10);
        SendResult r = SendResult.QUEUED;
        for (int i = 0; i < 1000 && r != SendResult.REFUSED; i++) {
            r = session.send(chunk);
        }
        assertEquals(SendResult.REFUSED, r);
        RawClient.Frame f;
        while ((f = slow.readFrame()).opcode() != OP_CLOSE) {
            assertEquals(chunk.length(), f.payload().length, "whole frames only");
        }
        assertEquals(1013, f.closeCode());
    }

    @Test
    void perConnectionOutputCapShedsWith1013WhateverThePolicy() throws Exception {
        ServerEvents events = new ServerEvents(false);
        int port = start(WebSocketServer.builder().maxBufferedPerConnection(1 << 20), events);
        RawClient slow = connect(port, 4096).upgrade("/ws");
        ServerSession session = events.awaitOpen();
        String chunk = "d".repeat(64 << 10);
        SendResult r = SendResult.QUEUED;
        int sent = 0;
        while (r != SendResult.REFUSED) {
            r = session.send(chunk);
            assertTrue(++sent < 10_000);
        }
        assertTrue(session.bufferedAmount() <= (1 << 20) + chunk.length() + 64);
        RawClient.Frame f;
        while ((f = slow.readFrame()).opcode() != OP_CLOSE) {
            assertEquals(chunk.length(), f.payload().length);
        }
        assertEquals(1013, f.closeCode());
        awaitTrue(() -> server.metrics().connectionsShed() == 1, "counted");
    }

    @Test
    void aPeerThatStopsReadingHitsTheWriteTimeout() throws Exception {
        ServerEvents events = new ServerEvents(false);
        int port = start(WebSocketServer.builder().writeTimeout(Duration.ofMillis(400))
                .closeTimeout(Duration.ofMillis(300)), events);
        RawClient slow = connect(port, 4096).upgrade("/ws");
        ServerSession session = events.awaitOpen();
        String chunk = "e".repeat(64 << 10);
        for (int i = 0; i < 64; i++) {
            session.send(chunk);
        }
        ServerEvents.Closed closed = events.awaitClose();
        assertEquals(1, server.metrics().writeTimeouts());
        assertEquals(1006, closed.code(), "the peer never answered the close");
        awaitTrue(() -> server.metrics().bufferedBytes() == 0, "the backlog is released");
    }

    @Test
    void connectionsOverThePerAddressLimitGet503WithRetryAfter() throws Exception {
        int port = start(WebSocketServer.builder().maxConnectionsPerAddress(2), ECHO);
        RawClient a = connect(port, 0).upgrade("/ws");
        RawClient b = connect(port, 0).upgrade("/ws");
        RawClient c = connect(port, 0);
        c.send(RawClient.upgradeRequest("/ws"));
        String head = c.readHead();
        assertTrue(head.startsWith("HTTP/1.1 503"), head);
        assertTrue(head.contains("Retry-After: 5"), head);
        assertTrue(c.awaitServerClose());
        assertEquals(1, server.metrics().connectionsRejected());
        assertEcho(a, "a is served");
        b.send(ClientFrames.frame(OP_CLOSE, new byte[] {0x03, (byte) 0xE8}));
        assertTrue(b.awaitServerClose());
        b.close(); // our side of the lingering close
        awaitTrue(() -> server.openConnections() == 1, "b is gone");
        RawClient d = connect(port, 0).upgrade("/ws");
        assertEcho(d, "a free slot again");
    }

    @Test
    void connectionsOverTheGlobalLimitGet503() throws Exception {
        int port = start(WebSocketServer.builder().maxConnections(3), ECHO);
        for (int i = 0; i < 3; i++) {
            connect(port, 0).upgrade("/ws");
        }
        RawClient over = connect(port, 0);
        over.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        String head = over.readHead();
        assertTrue(head.startsWith("HTTP/1.1 503") && head.contains("Retry-After: 5"), head);
        assertEquals(3, server.openConnections());
        assertEquals(1, server.metrics().connectionsRejected());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void assertEcho(RawClient c, String text) throws IOException {
        long t0 = System.nanoTime();
        c.send(ClientFrames.frame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8)));
        RawClient.Frame f = c.readFrame();
        assertEquals(OP_TEXT, f.opcode());
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), f.payload());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "echo within 2 s");
    }

    /**
     * Reads whole frames until a close frame and returns its code; -1 if the connection ended without one, 0 if
     * nothing more came within the socket's read timeout (the peer was not closed).
     */
    private static int readUntilClose(RawClient c) {
        try {
            RawClient.Frame f;
            while ((f = c.readFrame()).opcode() != OP_CLOSE) {
                // backlog sent before the close
            }
            return f.closeCode();
        } catch (SocketTimeoutException e) {
            return 0;
        } catch (SocketException | java.io.EOFException e) {
            return -1;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a poll with a deadline, not a busy spin
        }
    }
}
