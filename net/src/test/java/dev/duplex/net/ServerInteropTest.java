package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JDK's own WebSocket client against our server: messages of every kind and every way to close. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerInteropTest {
    private WebSocketServer server;
    private final ServerEvents events = new ServerEvents(true);

    private URI start(WebSocketServer.Builder builder) throws Exception {
        server = builder.host("127.0.0.1").port(0).eventLoops(2).endpoint("/echo", events).build().start();
        return URI.create("ws://127.0.0.1:" + server.port() + "/echo");
    }

    private URI start() throws Exception {
        return start(WebSocketServer.builder());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void echoesTextAndBinary() throws Exception {
        JdkClient client = JdkClient.connect(start());
        client.socket.sendText("héllo wörld ✓ 😀", true).get(5, TimeUnit.SECONDS);
        assertEquals("héllo wörld ✓ 😀", client.nextText());
        byte[] data = {0, 1, 2, (byte) 255};
        client.socket.sendBinary(ByteBuffer.wrap(data), true).get(5, TimeUnit.SECONDS);
        JdkClient.Event e = client.next();
        assertEquals("binary", e.kind());
        assertArrayEquals(data, e.bytes());
        assertEquals("127.0.0.1", ((java.net.InetSocketAddress) events.awaitOpen().remoteAddress()).getHostString());
        assertEquals("/echo", events.awaitOpen().request().path());
    }

    @Test
    void assemblesFragmentedMessages() throws Exception {
        JdkClient client = JdkClient.connect(start());
        client.socket.sendText("frag", false).get(5, TimeUnit.SECONDS);
        client.socket.sendText("ment", false).get(5, TimeUnit.SECONDS);
        client.socket.sendText("ed", true).get(5, TimeUnit.SECONDS);
        assertEquals("fragmented", client.nextText());
        assertEquals("fragmented", events.messages.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void echoesSixteenMebibyteMessages() throws Exception {
        JdkClient client = JdkClient.connect(start());
        byte[] big = new byte[16 << 20];
        new Random(42).nextBytes(big);
        client.socket.sendBinary(ByteBuffer.wrap(big), true).get(20, TimeUnit.SECONDS);
        JdkClient.Event e = client.next();
        assertEquals("binary", e.kind());
        assertTrue(Arrays.equals(big, e.bytes()), "16 MiB echoed intact");
        char[] chars = new char[16 << 20];
        Arrays.fill(chars, 'x');
        String bigText = new String(chars);
        client.socket.sendText(bigText, true).get(20, TimeUnit.SECONDS);
        assertEquals(bigText, client.nextText());
    }

    @Test
    void answersPingsWithPongs() throws Exception {
        JdkClient client = JdkClient.connect(start());
        client.socket.sendPing(ByteBuffer.wrap(new byte[] {7, 8, 9})).get(5, TimeUnit.SECONDS);
        JdkClient.Event e = client.next();
        assertEquals("pong", e.kind());
        assertArrayEquals(new byte[] {7, 8, 9}, e.bytes());
    }

    @Test
    void clientInitiatedCloseIsClean() throws Exception {
        JdkClient client = JdkClient.connect(start());
        events.awaitOpen();
        client.socket.sendClose(4001, "client bye").get(5, TimeUnit.SECONDS);
        ServerEvents.Closed closed = events.awaitClose();
        assertEquals(4001, closed.code());
        assertEquals("client bye", closed.reason());
        assertTrue(closed.wasClean());
        assertEquals(4001, client.awaitClose().code(), "the server echoes the code");
        awaitNoConnections();
    }

    @Test
    void serverInitiatedCloseIsClean() throws Exception {
        JdkClient client = JdkClient.connect(start());
        ServerSession session = events.awaitOpen();
        session.close(4002, "server bye");
        assertFalse(session.isOpen());
        assertEquals(SendResult.REFUSED, session.send("too late"));
        JdkClient.Event e = client.awaitClose();
        assertEquals(4002, e.code());
        assertEquals("server bye", e.text());
        // the JDK client answers the close frame by itself once onClose returns
        ServerEvents.Closed closed = events.awaitClose();
        assertEquals(4002, closed.code());
        assertTrue(closed.wasClean());
        awaitNoConnections();
    }

    @Test
    void abruptDisconnectIsReportedAs1006() throws Exception {
        JdkClient client = JdkClient.connect(start());
        events.awaitOpen();
        client.socket.abort();
        ServerEvents.Closed closed = events.awaitClose();
        assertEquals(1006, closed.code());
        assertFalse(closed.wasClean());
        awaitNoConnections();
    }

    @Test
    void sendsFromOtherThreadsArriveInOrder() throws Exception {
        JdkClient client = JdkClient.connect(start());
        ServerSession session = events.awaitOpen();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < 1000; i++) {
                session.send("m" + i);
            }
        });
        sender.start();
        for (int i = 0; i < 1000; i++) {
            assertEquals("m" + i, client.nextText());
        }
        sender.join(10_000);
    }

    @Test
    void blockingCallbacksRunOffTheLoopInOrder() throws Exception {
        JdkClient client = JdkClient.connect(start(WebSocketServer.builder().blockingCallbacks()));
        for (int i = 0; i < 200; i++) {
            client.socket.sendText("n" + i, true).get(5, TimeUnit.SECONDS);
        }
        for (int i = 0; i < 200; i++) {
            assertEquals("n" + i, client.nextText());
        }
    }

    @Test
    void stopClosesSessionsWithGoingAwayAndLeavesNoThreads() throws Exception {
        int before = Thread.activeCount();
        JdkClient client = JdkClient.connect(start(WebSocketServer.builder().blockingCallbacks()));
        events.awaitOpen();
        server.stop();
        JdkClient.Event e = client.awaitClose();
        assertEquals(1001, e.code());
        assertEquals(0, server.openConnections());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("duplex-server-" + 0) && t.isAlive()),
                "event loop threads ended");
        server.stop(); // idempotent
        assertTrue(Thread.activeCount() <= before + 8, "no thread pile-up: " + Thread.activeCount());
    }

    private void awaitNoConnections() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.openConnections() != 0) {
            assertTrue(System.nanoTime() < deadline, "connections still open: " + server.openConnections());
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
