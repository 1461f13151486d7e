package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain HTTP on the WebSocket port: static files, 404, HEAD, traversal, 426, Origin and accept-hook refusals. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpServingTest {
    @TempDir
    Path root;
    private WebSocketServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ServerEvents guarded = new ServerEvents(true);

    @BeforeEach
    void start() throws Exception {
        Path site = Files.createDirectories(root.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>hi</h1>");
        Files.writeString(site.resolve("app.js"), "console.log(1)");
        Files.writeString(site.resolve("style.css"), "body{}");
        Files.writeString(site.resolve("data.json"), "{}");
        Files.writeString(site.resolve("logo.svg"), "<svg/>");
        Files.write(site.resolve("mod.wasm"), new byte[] {0, 'a', 's', 'm'});
        Files.writeString(root.resolve("secret.txt"), "do not serve");
        EndpointOptions options = EndpointOptions.builder()
                .allowedOrigins("https://good.example")
                .subprotocols(SubprotocolChooser.firstSupported("v2", "v1"))
                .acceptHook(request -> "letmein".equals(request.cookies().get("token"))
                        ? Acceptance.accept("alice") : Acceptance.reject(401, "log in first"))
                .build();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .staticFiles(site)
                .endpoint("/ws", new ServerEvents(true))
                .endpoint("/guarded", guarded, options)
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("http", path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.port() + path);
    }

    @Test
    void servesFilesWithTheirContentTypes() throws Exception {
        HttpResponse<String> index = get("/");
        assertEquals(200, index.statusCode());
        assertEquals("<h1>hi</h1>", index.body());
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("text/javascript; charset=utf-8", get("/app.js").headers().firstValue("Content-Type").get());
        assertEquals("text/css; charset=utf-8", get("/style.css").headers().firstValue("Content-Type").get());
        assertEquals("application/json", get("/data.json").headers().firstValue("Content-Type").get());
        assertEquals("image/svg+xml", get("/logo.svg").headers().firstValue("Content-Type").get());
        assertEquals("application/wasm", get("/mod.wasm").headers().firstValue("Content-Type").get());
    }

    @Test
    void answersMissingFilesWith404() throws Exception {
        assertEquals(404, get("/nope.html").statusCode());
    }

    @Test
    void headSendsHeadersWithoutBody() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("HEAD /app.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String all = raw.readAll();
            assertTrue(all.startsWith("HTTP/1.1 200"), all);
            assertTrue(all.contains("Content-Length: 14"), all);
            assertTrue(all.endsWith("\r\n\r\n"), "no body after the head: " + all);
        }
    }

    @Test
    void refusesPathTraversal() throws Exception {
        for (String path : new String[] {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                "/..%2fsecret.txt", "/a/../../secret.txt", "//etc/passwd", "/..\\secret.txt", "/%5c..%5csecret.txt",
                "/C:/secret.txt"}) {
            try (RawClient raw = new RawClient(server.port())) {
                raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                String all = raw.readAll();
                assertTrue(all.startsWith("HTTP/1.1 404") || all.startsWith("HTTP/1.1 400"), path + " -> " + all);
                assertTrue(!all.contains("do not serve"), path);
            }
        }
        assertNull(StaticFiles.safeSegments("/%2e%2e/x"));
    }

    @Test
    void plainGetToWebSocketPathGets426() throws Exception {
        HttpResponse<String> r = get("/ws");
        assertEquals(426, r.statusCode());
        assertEquals("websocket", r.headers().firstValue("Upgrade").orElseThrow());
        assertEquals("13", r.headers().firstValue("Sec-WebSocket-Version").orElseThrow());
    }

    @Test
    void otherMethodsGet405() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("http", "/index.html"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
    }

    @Test
    void originOutsideTheAllowListGets403() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(RawClient.upgradeRequest("/guarded", "Origin: https://evil.example", "Cookie: token=letmein"));
            assertTrue(raw.readHead().startsWith("HTTP/1.1 403"));
            assertTrue(raw.awaitServerClose());
        }
    }

    @Test
    void acceptHookRejectsWith401AndAttachesUserData() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder()
                .header("Origin", "https://good.example")
                .buildAsync(uri("ws", "/guarded"), new JdkClient()).get(10, TimeUnit.SECONDS));
        WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(401, refused.getResponse().statusCode());

        JdkClient client = new JdkClient();
        client.socket = http.newWebSocketBuilder().header("Origin", "https://good.example")
                .header("Cookie", "token=letmein").subprotocols("v1", "v2")
                .buildAsync(uri("ws", "/guarded"), client).get(10, TimeUnit.SECONDS);
        assertEquals("v1", client.socket.getSubprotocol(), "the client's order of preference wins");
        ServerSession session = guarded.awaitOpen();
        assertEquals("alice", session.attachment());
        assertEquals("v1", session.subprotocol());
        assertEquals("letmein", session.request().cookies().get("token"));
    }

    @Test
    void badUpgradeRequestsGetTheHandshakeStatus() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n");
            assertTrue(raw.readHead().startsWith("HTTP/1.1 400"), "missing key");
        }
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + RawClient.KEY + "\r\nSec-WebSocket-Version: 8\r\n\r\n");
            String head = raw.readHead();
            assertTrue(head.startsWith("HTTP/1.1 426") && head.contains("Sec-WebSocket-Version: 13"), head);
        }
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(RawClient.upgradeRequest("/nowhere"));
            assertTrue(raw.readHead().startsWith("HTTP/1.1 404"));
        }
    }
}
