package dev.duplex.net.clientpeers;

import dev.duplex.net.ClientEventLoop;
import dev.duplex.net.CloseEvent;
import dev.duplex.net.Endpoint;
import dev.duplex.net.MessageEvent;
import dev.duplex.net.ReconnectPolicy;
import dev.duplex.net.ReconnectingEvent;
import dev.duplex.net.ServerSession;
import dev.duplex.net.TlsConfig;
import dev.duplex.net.WebSocket;
import dev.duplex.net.WebSocketBuilder;
import dev.duplex.net.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our client against our own {@link WebSocketServer} with an echo endpoint, over ws and over wss with the committed
 * test certificate ({@code tls/server.p12}, trusted through {@code tls/truststore.p12}, valid for localhost).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OwnServerTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final ClientEventLoop loop = ClientEventLoop.create("test-client-own-server");
    private final Events events = new Events();
    private final CompletableFuture<String> serverSawClose = new CompletableFuture<>();
    private WebSocketServer server;

    @AfterEach
    void stop() {
        loop.close();
        if (server != null) {
            server.stop();
        }
    }

    /** Echoes; {@code "close <code> <reason>"} makes the server start the close handshake. */
    private Endpoint echo() {
        return new Endpoint() {
            @Override
            public void onText(ServerSession session, String text) {
                if (text.startsWith("close ")) {
                    String[] parts = text.split(" ", 3);
                    session.close(Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "");
                } else {
                    session.send(text);
                }
            }

            @Override
            public void onBinary(ServerSession session, ByteBuffer data) {
                session.send(data);
            }

            @Override
            public void onClose(ServerSession session, int code, String reason, boolean wasClean) {
                serverSawClose.complete(code + " " + reason + " " + wasClean);
            }
        };
    }

    private WebSocketServer startServer(boolean tls, int port) throws Exception {
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(port).eventLoops(1)
                .endpoint("/echo", echo());
        if (tls) {
            b.tls(TlsConfig.fromPkcs12(resource("server.p12"), PASSWORD));
        }
        return b.build().start();
    }

    private WebSocketBuilder client(boolean tls) throws Exception {
        // wss by name: the certificate is for localhost only
        WebSocketBuilder b = WebSocket.builder((tls ? "wss://localhost:" : "ws://127.0.0.1:") + server.port() + "/echo")
                .eventLoop(loop);
        if (tls) {
            b.trustStore(resource("truststore.p12"), PASSWORD);
        }
        return b;
    }

    private static Path resource(String name) throws Exception {
        return Path.of(OwnServerTest.class.getResource("/tls/" + name).toURI());
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void echoesTextAndBinaryThenClientCloses(boolean tls) throws Exception {
        server = startServer(tls, 0);
        WebSocket ws = events.open(client(tls));
        ws.send("hello over " + (tls ? "wss" : "ws"));
        assertEquals("hello over " + (tls ? "wss" : "ws"), events.message().text());
        byte[] big = new byte[3 << 20];
        new Random(11).nextBytes(big);
        ws.send(big);
        MessageEvent back = events.message();
        assertFalse(back.isText());
        assertTrue(Arrays.equals(big, back.bytes()), "3 MiB echoed intact");

        ws.close(4000, "done");
        CloseEvent close = events.close();
        assertEquals(4000, close.code(), "our server echoes the code (its close frame carries no reason)");
        assertTrue(close.wasClean());
        assertEquals("4000 done true", serverSawClose.get(10, TimeUnit.SECONDS));
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void serverCloses(boolean tls) throws Exception {
        server = startServer(tls, 0);
        WebSocket ws = events.open(client(tls));
        ws.send("close 4001 bye");
        CloseEvent close = events.close();
        assertEquals(4001, close.code());
        assertEquals("bye", close.reason());
        assertTrue(close.wasClean());
        assertEquals(WebSocket.CLOSED, ws.readyState());
        // our client's reply echoes the code, without a reason
        assertEquals("4001  true", serverSawClose.get(10, TimeUnit.SECONDS));
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void reconnectsToANewServerOnTheSamePort(boolean tls) throws Exception {
        server = startServer(tls, 0);
        int port = server.port();
        WebSocket ws = events.open(client(tls).reconnect(ReconnectPolicy.builder()
                .initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(200)).maxAttempts(100).build()));
        ws.send("first");
        assertEquals("first", events.message().text());

        server.stop(); // closes with 1001 going away
        ReconnectingEvent reconnecting = events.reconnecting();
        assertEquals(1, reconnecting.attempt());
        assertEquals(WebSocket.CONNECTING, ws.readyState());

        server = startServer(tls, port); // the listener socket has SO_REUSEADDR, so the port is free again at once
        // attempts made while no server listened fail and are retried; wait for the one that succeeds
        while (true) {
            var e = events.next(dev.duplex.net.WebSocketEvent.class);
            if (e instanceof dev.duplex.net.ReconnectedEvent) {
                break;
            }
            assertTrue(e instanceof ReconnectingEvent || e instanceof dev.duplex.net.ErrorEvent, "got " + e);
        }
        assertEquals(WebSocket.OPEN, ws.readyState());
        ws.send("second");
        assertEquals("second", events.message().text());
        ws.close(1000, "bye");
        assertTrue(events.close().wasClean());
    }
}
