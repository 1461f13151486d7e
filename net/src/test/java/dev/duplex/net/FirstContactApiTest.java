package dev.duplex.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a first user meets: try-with-resources on the server, a clear error for a missing folder, one UTF-8 policy. */
@Timeout(30)
class FirstContactApiTest {

    @Test
    void serverIsAutoCloseableAndCloseStopsIt() throws Exception {
        int port;
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .endpoint("/echo", new Endpoint() { }).build().start()) {
            port = server.port();
            try (SocketChannel ok = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                assertTrue(ok.isConnected());
            }
        }
        assertThrows(ConnectException.class, () -> SocketChannel.open(new InetSocketAddress("127.0.0.1", port)).close());
    }

    @Test
    void staticFilesRejectsAFolderThatDoesNotExist(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-site");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebSocketServer.builder().staticFiles(missing));
        assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> WebSocketServer.builder().staticFiles(java.nio.file.Files.createFile(dir.resolve("a-file"))));
        WebSocketServer.builder().staticFiles(dir); // an existing folder is fine
    }

    /** Client and server encode alike, as the browser does: a lone surrogate goes out as U+FFFD (EF BF BD). */
    @Test
    void clientSendsALoneSurrogateAsTheReplacementCharacterLikeTheServer() throws Exception {
        CompletableFuture<String> serverGot = new CompletableFuture<>();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .endpoint("/echo", new Endpoint() {
                    @Override
                    public void onText(ServerSession session, String text) {
                        serverGot.complete(text);
                        session.send("back \uDC00 " + text); // the server's own encoder, lone low surrogate
                    }
                }).build().start()) {
            CompletableFuture<String> clientGot = new CompletableFuture<>();
            WebSocket ws = WebSocket.builder("ws://127.0.0.1:" + server.port() + "/echo")
                    .onMessage(e -> clientGot.complete(e.text()))
                    .connect();
            try {
                ws.whenOpen().get(10, TimeUnit.SECONDS);
                assertTrue(ws.send("a\uD800b"), "taken for sending, not thrown");
                assertEquals("a\uFFFDb", serverGot.get(10, TimeUnit.SECONDS));
                assertEquals("back \uFFFD a\uFFFDb", clientGot.get(10, TimeUnit.SECONDS));
                assertArrayEquals(new byte[] {'a', (byte) 0xEF, (byte) 0xBF, (byte) 0xBD, 'b'},
                        serverGot.get().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } finally {
                ws.close(1000);
                ws.whenClosed().get(10, TimeUnit.SECONDS);
            }
        }
    }


    /** The browser turns a lone surrogate in a close reason into U+FFFD (USVString) instead of refusing it. */
    @Test
    void aCloseReasonWithALoneSurrogateGoesOutWithTheReplacementCharacter() throws Exception {
        CompletableFuture<String> serverGot = new CompletableFuture<>();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .endpoint("/x", new Endpoint() {
                    @Override
                    public void onClose(ServerSession session, int code, String reason, boolean wasClean) {
                        serverGot.complete(code + " " + reason);
                    }
                }).build().start()) {
            WebSocket ws = WebSocket.builder("ws://127.0.0.1:" + server.port() + "/x").connect();
            ws.whenOpen().get(10, TimeUnit.SECONDS);
            ws.close(3000, "bye \uDC00");
            assertEquals("3000 bye \uFFFD", serverGot.get(10, TimeUnit.SECONDS));
            ws.whenClosed().get(10, TimeUnit.SECONDS);
        }
    }
}
