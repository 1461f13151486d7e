package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Persistent plain-HTTP connections: reuse, pipelining, Connection: close, HTTP/1.0, limits, upgrade after. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpKeepAliveTest {
    @TempDir
    Path site;
    private WebSocketServer server;

    private WebSocketServer start(Duration idle, int maxRequests) throws IOException {
        Files.writeString(site.resolve("index.html"), "<h1>hi</h1>");
        Files.writeString(site.resolve("a.txt"), "file a");
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .staticFiles(site)
                .httpKeepAlive(idle, maxRequests)
                .http("/hello", request -> HttpReply.text(200, "hello " + request.method()))
                .endpoint("/ws", new ServerEvents(true))
                .build().start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static String get(String path, String... headerLines) {
        StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String line : headerLines) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    @Test
    void twoRequestsShareOneConnection() throws Exception {
        start(Duration.ofSeconds(5), 100);
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(get("/a.txt"));
            RawClient.Response first = raw.readResponse(false);
            assertEquals(200, first.status(), first.head());
            assertEquals("keep-alive", first.header("Connection"));
            assertEquals("file a", new String(first.body(), StandardCharsets.UTF_8));
            raw.send(get("/hello"));
            RawClient.Response second = raw.readResponse(false);
            assertEquals(200, second.status(), second.head());
            assertEquals("hello GET", new String(second.body(), StandardCharsets.UTF_8));
        }
        assertEquals(2, server.metrics().httpRequests());
        assertEquals(1, server.metrics().acceptedConnections());
    }

    @Test
    void theJdkHttpClientReusesOneConnection() throws Exception {
        start(Duration.ofSeconds(5), 100);
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        for (String path : new String[] {"/a.txt", "/hello", "/", "/a.txt"}) {
            java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path);
        }
        assertEquals(4, server.metrics().httpRequests());
        assertEquals(1, server.metrics().acceptedConnections(), "four requests, one connection");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        start(Duration.ofSeconds(5), 100);
        try (RawClient raw = new RawClient(server.port())) {
            // a file (answered off the loop), a handler (answered on it), a HEAD and a file again, in one write
            raw.send(get("/a.txt") + get("/hello") + "HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n" + get("/index.html"));
            assertEquals("file a", new String(raw.readResponse(false).body(), StandardCharsets.UTF_8));
            assertEquals("hello GET", new String(raw.readResponse(false).body(), StandardCharsets.UTF_8));
            RawClient.Response head = raw.readResponse(true);
            assertEquals(200, head.status());
            assertEquals("10", head.header("Content-Length"), "the length a GET would get: \"hello HEAD\"");
            assertEquals("<h1>hi</h1>", new String(raw.readResponse(false).body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void connectionCloseFromTheClientIsHonoured() throws Exception {
        start(Duration.ofSeconds(30), 100);
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(get("/a.txt", "Connection: close"));
            RawClient.Response r = raw.readResponse(false);
            assertEquals("close", r.header("Connection"));
            assertEquals("file a", new String(r.body(), StandardCharsets.UTF_8));
            assertTrue(raw.awaitServerClose(), "the server closes after answering");
        }
    }

    @Test
    void http10ClosesUnlessItAsksForKeepAlive() throws Exception {
        start(Duration.ofSeconds(30), 100);
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("GET /hello HTTP/1.0\r\n\r\n");
            assertEquals("close", raw.readResponse(false).header("Connection"));
            assertTrue(raw.awaitServerClose());
        }
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals("keep-alive", raw.readResponse(false).header("Connection"));
            raw.send("GET /a.txt HTTP/1.0\r\n\r\n");
            RawClient.Response r = raw.readResponse(false);
            assertEquals("file a", new String(r.body(), StandardCharsets.UTF_8));
            assertEquals("close", r.header("Connection"));
            assertTrue(raw.awaitServerClose());
        }
    }

    @Test
    void theLastAllowedRequestCloses() throws Exception {
        start(Duration.ofSeconds(30), 2);
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(get("/hello"));
            assertEquals("keep-alive", raw.readResponse(false).header("Connection"));
            raw.send(get("/hello"));
            assertEquals("close", raw.readResponse(false).header("Connection"));
            assertTrue(raw.awaitServerClose());
        }
    }

    @Test
    void anIdleKeptConnectionIsClosedAfterTheTimeout() throws Exception {
        start(Duration.ofMillis(300), 100);
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(get("/hello"));
            assertEquals("keep-alive", raw.readResponse(false).header("Connection"));
            long t0 = System.nanoTime();
            assertTrue(raw.awaitServerClose(), "closed within the socket's 10 s read timeout");
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(waited >= 200 && waited < 5000, "closed after " + waited + " ms");
        }
    }

    @Test
    void aRequestWithABodyClosesInsteadOfMisreadingTheBody() throws Exception {
        start(Duration.ofSeconds(30), 100);
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\nGET /a.txt HTTP/1.1\r\n");
            RawClient.Response r = raw.readResponse(false);
            assertEquals("close", r.header("Connection"));
            assertTrue(raw.awaitServerClose());
        }
    }

    @Test
    void aWebSocketUpgradeFollowsPlainRequestsOnTheSameConnection() throws Exception {
        start(Duration.ofSeconds(5), 100);
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(get("/a.txt"));
            assertEquals("file a", new String(raw.readResponse(false).body(), StandardCharsets.UTF_8));
            raw.send(get("/hello"));
            raw.readResponse(false);
            raw.upgrade("/ws");
            raw.sendFrame(1, "echo me".getBytes(StandardCharsets.UTF_8));
            RawClient.Frame echoed = raw.readFrame();
            assertEquals(1, echoed.opcode());
            assertArrayEquals("echo me".getBytes(StandardCharsets.UTF_8), echoed.payload());
        }
    }

    @Test
    void anUpgradePipelinedBehindAFileRequestIsHeldUntilTheFileIsAnswered() throws Exception {
        start(Duration.ofSeconds(5), 100);
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(get("/a.txt") + RawClient.upgradeRequest("/ws"));
            assertEquals("file a", new String(raw.readResponse(false).body(), StandardCharsets.UTF_8));
            assertTrue(raw.readHead().startsWith("HTTP/1.1 101"));
            raw.sendFrame(1, "after".getBytes(StandardCharsets.UTF_8));
            assertArrayEquals("after".getBytes(StandardCharsets.UTF_8), raw.readFrame().payload());
        }
    }

    @Test
    void keepAliveOffClosesAfterEachAnswer() throws Exception {
        start(Duration.ZERO, 100);
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(get("/hello"));
            assertEquals("close", raw.readResponse(false).header("Connection"));
            assertTrue(raw.awaitServerClose());
        }
    }
}
