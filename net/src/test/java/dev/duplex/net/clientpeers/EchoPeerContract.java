package dev.duplex.net.clientpeers;

import dev.duplex.net.ClientEventLoop;
import dev.duplex.net.CloseEvent;
import dev.duplex.net.ErrorEvent;
import dev.duplex.net.MessageEvent;
import dev.duplex.net.WebSocket;
import dev.duplex.net.WebSocketBuilder;
import dev.duplex.testkit.Payloads;
import dev.duplex.testkit.PeerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our client against a real echo server without compression: what every peer must do the same way. Subclasses say
 * which server to start. Neither peer fragments the messages it echoes, and our client API sends whole messages
 * only, so fragmentation is not exercised here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class EchoPeerContract {
    static final int MIB_16 = 16 << 20;

    final ClientEventLoop loop = ClientEventLoop.create("test-client-peers");
    final Events events = new Events();

    /** Starts the echo server with permessage-deflate off. */
    abstract PeerProcess startPlainServer();

    @AfterEach
    void stopLoop() {
        loop.close();
    }

    WebSocketBuilder builder(PeerProcess server) {
        return WebSocket.builder(server.uri()).eventLoop(loop);
    }

    @Test
    void echoesTextAndBinary() throws Exception {
        try (PeerProcess server = startPlainServer()) {
            WebSocket ws = events.open(builder(server));
            assertEquals("", ws.extensions(), "no compression offered, none negotiated");
            ws.send("héllo, wörld ✓");
            MessageEvent text = events.message();
            assertTrue(text.isText());
            assertEquals("héllo, wörld ✓", text.text());

            byte[] bin = {0, 1, 2, (byte) 0xff, (byte) 0x80, 127};
            ws.send(bin);
            MessageEvent binary = events.message();
            assertFalse(binary.isText());
            assertArrayEquals(bin, binary.bytes());

            ws.send(new byte[0]);
            assertArrayEquals(new byte[0], events.message().bytes());
            ws.send("");
            assertEquals("", events.message().text());
        }
    }

    @Test
    void echoes16MiBTextAndBinary() throws Exception {
        try (PeerProcess server = startPlainServer()) {
            WebSocket ws = events.open(builder(server));
            String text = Payloads.text(MIB_16);
            ws.send(text);
            String back = events.message().text();
            assertEquals(MIB_16, back.length());
            assertEquals(Payloads.sha256(text), Payloads.sha256(back));

            byte[] data = Payloads.binary(MIB_16);
            ws.send(data);
            byte[] echoed = events.message().bytes();
            assertEquals(MIB_16, echoed.length);
            assertEquals(Payloads.sha256(data), Payloads.sha256(echoed));
        }
    }

    @Test
    void answersTheServersPing() throws Exception {
        try (PeerProcess server = startPlainServer()) {
            WebSocket ws = events.open(builder(server));
            ws.send("__ping marco");
            assertEquals("__pong marco", events.message().text(), "our client answered with the ping's payload");
            ws.send("__ping");
            assertEquals("__pong ", events.message().text(), "an empty ping is answered with an empty pong");
        }
    }

    @Test
    void serverInitiatedCloseIsClean() throws Exception {
        try (PeerProcess server = startPlainServer()) {
            WebSocket ws = events.open(builder(server));
            ws.send("__close 4001 bye");
            CloseEvent close = events.close();
            assertEquals(4001, close.code());
            assertEquals("bye", close.reason());
            assertTrue(close.wasClean());
            assertEquals(WebSocket.CLOSED, ws.readyState());
        }
    }

    @Test
    void clientInitiatedCloseIsClean() throws Exception {
        try (PeerProcess server = startPlainServer()) {
            WebSocket ws = events.open(builder(server));
            ws.send("before close");
            assertEquals("before close", events.message().text());
            ws.close(4000, "done");
            assertEquals(WebSocket.CLOSING, ws.readyState());
            CloseEvent close = events.close();
            assertEquals(4000, close.code(), "the server echoes our code");
            assertEquals("done", close.reason());
            assertTrue(close.wasClean());
            assertFalse(ws.send("after close"), "discarded once closed");
        }
    }

    @Test
    void droppedConnectionIsErrorThenAbnormalClose() throws Exception {
        try (PeerProcess server = startPlainServer()) {
            WebSocket ws = events.open(builder(server));
            ws.send("__terminate");
            ErrorEvent error = events.error();
            assertTrue(error.cause() != null);
            CloseEvent close = events.close();
            assertEquals(1006, close.code());
            assertFalse(close.wasClean());
            assertEquals(WebSocket.CLOSED, ws.readyState());
        }
    }
}
