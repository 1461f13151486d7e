package dev.duplex.net.clientpeers;

import dev.duplex.core.deflate.PerMessageDeflate;
import dev.duplex.core.handshake.HandshakeException;
import dev.duplex.net.ClientEventLoop;
import dev.duplex.net.CloseEvent;
import dev.duplex.net.ErrorEvent;
import dev.duplex.net.WebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A 101 whose permessage-deflate answer the client did not allow fails the connection like any handshake failure:
 * error (a {@link HandshakeException}), then close 1006, never open. The server is a scripted socket, since real
 * servers only send valid answers.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CompressionRefusedAnswerTest {
    private final ClientEventLoop loop = ClientEventLoop.create("test-client-deflate-refused");
    private final Events events = new Events();

    @AfterEach
    void stopLoop() {
        loop.close();
    }

    @Test
    void answerWithoutRequestedServerNoContextTakeoverFails() throws Exception {
        assertRefused(PerMessageDeflate.builder().serverNoContextTakeover(true).build(), "permessage-deflate");
    }

    @Test
    void answerWithUnknownParameterFails() throws Exception {
        assertRefused(PerMessageDeflate.defaults(), "permessage-deflate; x_unknown=1");
    }

    @Test
    void deflateAnswerWithoutAnOfferFails() throws Exception {
        assertRefused(null, "permessage-deflate");
    }

    private void assertRefused(PerMessageDeflate offered, String answer) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> answerOnce(listener, answer));
            var builder = WebSocket.builder("ws://127.0.0.1:" + listener.getLocalPort() + "/").eventLoop(loop);
            if (offered != null) {
                builder.compression(offered);
            }
            WebSocket ws = events.attach(builder).connect();
            ErrorEvent error = events.error();
            assertInstanceOf(HandshakeException.class, error.cause(), String.valueOf(error.cause()));
            CloseEvent close = events.close();
            assertEquals(1006, close.code());
            assertFalse(close.wasClean());
            assertThrows(ExecutionException.class, () -> ws.whenOpen().get(5, TimeUnit.SECONDS), "never opened");
            String head = request.get(10, TimeUnit.SECONDS).toLowerCase(Locale.ROOT);
            assertEquals(offered != null, head.contains("sec-websocket-extensions: permessage-deflate"), head);
        }
    }

    /** Accepts one connection, reads the request head and answers 101 with {@code extensions}; returns the head. */
    private static String answerOnce(ServerSocket listener, String extensions) {
        try (Socket s = listener.accept()) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IllegalStateException("request ended early: " + head);
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            String key = text.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
            s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n"
                    + "Sec-WebSocket-Extensions: " + extensions + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            // wait for the client to drop the connection
            while (in.read() >= 0) {
                // discard
            }
            return text;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
