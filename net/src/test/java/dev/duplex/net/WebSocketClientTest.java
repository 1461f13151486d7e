package dev.duplex.net;

import dev.duplex.core.ProtocolException;
import dev.duplex.core.handshake.HandshakeException;
import dev.duplex.core.handshake.HandshakeRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class WebSocketClientTest {
    private final ClientEventLoop loop = ClientEventLoop.create("test-client");
    private final Recorder rec = new Recorder();

    @AfterEach
    void stopLoop() {
        loop.close();
    }

    private WebSocketBuilder builder(String url) {
        return rec.attach(WebSocket.builder(url).eventLoop(loop).closeLinger(Duration.ofSeconds(1)));
    }

    @Test
    void opensSendsReceivesAndClosesCleanly() throws Exception {
        try (RawServer server = new RawServer()) {
            WebSocket ws = builder(server.url("/chat?x=1")).subprotocols("a", "b").header("Origin", "http://t").connect();
            assertEquals(WebSocket.CONNECTING, ws.readyState());
            assertThrows(IllegalStateException.class, () -> ws.send("too early"));
            RawPeer peer = server.accept();
            peer.acceptUpgrade("Sec-WebSocket-Protocol: b");
            assertTrue(peer.requestLine.startsWith("GET /chat?x=1 HTTP/1.1"));
            assertEquals("http://t", peer.requestHeaders.get("origin"));
            assertEquals("a, b", peer.requestHeaders.get("sec-websocket-protocol"));
            rec.next(OpenEvent.class);
            assertEquals(WebSocket.OPEN, ws.readyState());
            assertEquals("b", ws.protocol());

            assertTrue(ws.send("héllo"));
            assertTrue(ws.send(new byte[]{1, 2, 3}));
            RawPeer.Frame f = peer.readFrame();
            assertEquals(1, f.opcode());
            assertEquals("héllo", f.text());
            f = peer.readFrame();
            assertEquals(2, f.opcode());
            assertArrayEquals(new byte[]{1, 2, 3}, f.payload());

            peer.writeText("back");
            peer.writeFrame(2, new byte[]{9, 8}, false);
            assertEquals("back", rec.next(MessageEvent.class).text());
            MessageEvent bin = rec.next(MessageEvent.class);
            assertFalse(bin.isText());
            assertArrayEquals(new byte[]{9, 8}, bin.bytes());

            ws.close(1000, "bye");
            assertEquals(WebSocket.CLOSING, ws.readyState());
            assertFalse(ws.send("after close"), "discarded after close");
            assertTrue(ws.bufferedAmount() >= "after close".length(), "counted as the browser does");
            RawPeer.Frame close = peer.readFrame();
            assertEquals(8, close.opcode());
            assertEquals(1000, close.closeCode());
            peer.writeClose(1000, "");
            peer.close(); // server closes TCP first (RFC 6455 7.1.1)
            CloseEvent ce = rec.next(CloseEvent.class);
            assertEquals(1000, ce.code());
            assertTrue(ce.wasClean());
            assertEquals(WebSocket.CLOSED, ws.readyState());
        }
    }

    @Test
    void non101FiresErrorWithStatusThenClose1006() throws Exception {
        try (RawServer server = new RawServer()) {
            WebSocket ws = builder(server.url("/")).connect();
            RawPeer peer = server.accept();
            peer.readHead();
            peer.writeAscii("HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\n\r\nnope");
            ErrorEvent err = rec.next(ErrorEvent.class);
            HandshakeRejectedException rejected = assertInstanceOf(HandshakeRejectedException.class, err.cause());
            assertEquals(403, rejected.status());
            CloseEvent ce = rec.next(CloseEvent.class);
            assertEquals(1006, ce.code());
            assertFalse(ce.wasClean());
            ExecutionException ee = assertThrows(ExecutionException.class, () -> ws.whenOpen().get(5, TimeUnit.SECONDS));
            assertInstanceOf(HandshakeRejectedException.class, ee.getCause());
        }
    }

    @Test
    void wrongAcceptFails() throws Exception {
        try (RawServer server = new RawServer()) {
            builder(server.url("/")).connect();
            RawPeer peer = server.accept();
            peer.readHead();
            peer.writeAscii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n");
            ErrorEvent err = rec.next(ErrorEvent.class);
            assertInstanceOf(HandshakeException.class, err.cause());
            assertTrue(err.cause().getMessage().contains("Sec-WebSocket-Accept"));
            assertEquals(1006, rec.next(CloseEvent.class).code());
        }
    }

    @Test
    void unofferedSubprotocolFails() throws Exception {
        try (RawServer server = new RawServer()) {
            builder(server.url("/")).subprotocols("chat").connect();
            server.accept().acceptUpgrade("Sec-WebSocket-Protocol: other");
            ErrorEvent err = rec.next(ErrorEvent.class);
            assertTrue(err.cause().getMessage().contains("not offered"), err.cause().getMessage());
            assertEquals(1006, rec.next(CloseEvent.class).code());
        }
    }

    @Test
    void connectionRefusedFiresErrorThenClose() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        WebSocket ws = builder("ws://127.0.0.1:" + port + "/").connect();
        assertInstanceOf(ConnectException.class, rec.next(ErrorEvent.class).cause());
        CloseEvent ce = rec.next(CloseEvent.class);
        assertEquals(1006, ce.code());
        assertFalse(ce.wasClean());
        assertEquals(WebSocket.CLOSED, ws.readyState());
    }

    @Test
    void serverInitiatedCloseIsClean() throws Exception {
        try (RawServer server = new RawServer()) {
            builder(server.url("/")).connect();
            RawPeer peer = server.accept();
            peer.acceptUpgrade();
            rec.next(OpenEvent.class);
            peer.writeClose(4001, "maintenance");
            RawPeer.Frame reply = peer.readFrame();
            assertEquals(8, reply.opcode());
            assertEquals(4001, reply.closeCode());
            peer.close();
            CloseEvent ce = rec.next(CloseEvent.class);
            assertEquals(4001, ce.code());
            assertEquals("maintenance", ce.reason());
            assertTrue(ce.wasClean());
        }
    }

    @Test
    void pingCompletesOnTheMatchingPongAndFailsWhenTheConnectionEnds() throws Exception {
        try (RawServer server = new RawServer()) {
            WebSocket ws = builder(server.url("/")).connect();
            RawPeer peer = server.accept();
            peer.acceptUpgrade();
            rec.next(OpenEvent.class);
            assertThrows(IllegalArgumentException.class, () -> ws.ping(new byte[126]));

            var first = ws.ping("a".getBytes(StandardCharsets.UTF_8));
            var second = ws.ping("b".getBytes(StandardCharsets.UTF_8));
            RawPeer.Frame f = peer.readFrame();
            assertEquals(9, f.opcode());
            assertEquals("a", new String(f.payload(), StandardCharsets.UTF_8));
            assertEquals(9, peer.readFrame().opcode());
            peer.writeFrame(10, "unsolicited".getBytes(StandardCharsets.UTF_8), false);
            peer.writeText("after the unsolicited pong");
            assertEquals("after the unsolicited pong", rec.next(MessageEvent.class).text());
            assertFalse(first.isDone(), "a pong with another payload answers nothing");
            peer.writeFrame(10, "b".getBytes(StandardCharsets.UTF_8), false);
            assertTrue(second.get(10, TimeUnit.SECONDS).toNanos() > 0);
            assertTrue(first.isDone(), "answering the latest ping answers the earlier ones (RFC 6455 5.5.3)");

            var unanswered = ws.ping(new byte[0]);
            assertEquals(9, peer.readFrame().opcode());
            peer.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> unanswered.get(10, TimeUnit.SECONDS));
            assertInstanceOf(java.io.IOException.class, e.getCause());
        }
    }

    @Test
    void clientClosesTcpItselfIfServerLingers() throws Exception {
        try (RawServer server = new RawServer()) {
            builder(server.url("/")).connect();
            RawPeer peer = server.accept();
            peer.acceptUpgrade();
            rec.next(OpenEvent.class);
            peer.writeClose(1000, "");
            peer.readFrame();
            assertTrue(peer.awaitEof(), "client closes TCP after the linger time");
            assertTrue(rec.next(CloseEvent.class).wasClean());
        }
    }

    @Test
    void abruptTcpCloseIs1006() throws Exception {
        try (RawServer server = new RawServer()) {
            builder(server.url("/")).connect();
            RawPeer peer = server.accept();
            peer.acceptUpgrade();
            rec.next(OpenEvent.class);
            peer.close();
            rec.next(ErrorEvent.class);
            CloseEvent ce = rec.next(CloseEvent.class);
            assertEquals(1006, ce.code());
            assertFalse(ce.wasClean());
        }
    }

    @Test
    void maskedServerFrameFailsWith1002() throws Exception {
        try (RawServer server = new RawServer()) {
            builder(server.url("/")).connect();
            RawPeer peer = server.accept();
            peer.acceptUpgrade();
            rec.next(OpenEvent.class);
            peer.writeFrame(1, "x".getBytes(StandardCharsets.UTF_8), true);
            RawPeer.Frame close = peer.readFrame();
            assertEquals(1002, close.closeCode());
            ErrorEvent err = rec.next(ErrorEvent.class);
            assertEquals(1002, assertInstanceOf(ProtocolException.class, err.cause()).closeCode());
            CloseEvent ce = rec.next(CloseEvent.class);
            assertEquals(1002, ce.code());
            assertFalse(ce.wasClean());
        }
    }

    @Test
    void closeArgumentChecksMatchTheBrowser() throws Exception {
        try (RawServer server = new RawServer()) {
            WebSocket ws = builder(server.url("/")).connect();
            assertThrows(IllegalArgumentException.class, () -> ws.close(1001));
            assertThrows(IllegalArgumentException.class, () -> ws.close(2999));
            assertThrows(IllegalArgumentException.class, () -> ws.close(5000));
            assertThrows(IllegalArgumentException.class, () -> ws.close(1000, "x".repeat(124)));
            // a lone surrogate counts as U+FFFD (3 bytes), as the browser's USVString conversion makes it
            assertThrows(IllegalArgumentException.class, () -> ws.close(1000, "\uD800".repeat(42)));
            assertEquals(WebSocket.CONNECTING, ws.readyState(), "bad arguments change nothing");
            ws.close(3000, "é".repeat(61)); // 122 bytes: allowed
            assertTrue(ws.readyState() >= WebSocket.CLOSING, "CLOSING at once (CLOSED once the loop aborted)");
            // closing while connecting fails the attempt, as in the browser
            rec.next(ErrorEvent.class);
            assertEquals(1006, rec.next(CloseEvent.class).code());
        }
    }

    @Test
    void bufferedAmountRisesWhenServerDoesNotReadAndFallsAfter() throws Exception {
        try (RawServer server = new RawServer()) {
            WebSocket ws = builder(server.url("/")).maxBufferedAmount(64L << 20).connect();
            RawPeer peer = server.accept();
            peer.acceptUpgrade();
            rec.next(OpenEvent.class);
            byte[] chunk = new byte[256 * 1024];
            for (int i = 0; i < 40; i++) {
                ws.send(chunk);
            }
            assertTrue(ws.bufferedAmount() > 1_000_000, "bytes wait while the server does not read: " + ws.bufferedAmount());
            long total = 0;
            peer.socket.setSoTimeout(3000);
            while (total < 40L * chunk.length) {
                try {
                    total += peer.readFrame().payload().length;
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("stalled after " + total + " bytes; bufferedAmount " + ws.bufferedAmount(), e);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (ws.bufferedAmount() != 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, ws.bufferedAmount());
        }
    }

    @Test
    void sendRefusesLoudlyOverMaxBufferedAmount() throws Exception {
        try (RawServer server = new RawServer()) {
            WebSocket ws = builder(server.url("/")).maxBufferedAmount(1000).connect();
            server.accept().acceptUpgrade();
            rec.next(OpenEvent.class);
            assertThrows(SendBufferFullException.class, () -> ws.send(new byte[1001]));
        }
    }
}
