package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prefix endpoints ({@code /rooms/*}), plain HTTP handlers on the WebSocket port, and {@link ServerMetrics}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutingAndMetricsTest {
    private WebSocketServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Throwable> serverErrors = new CopyOnWriteArrayList<>();

    /** Answers every text message with "<name>:<path>:<text>". */
    private static Endpoint naming(String name) {
        return new Endpoint() {
            @Override
            public void onText(ServerSession session, String text) {
                session.send(name + ":" + session.request().path() + ":" + text);
            }
        };
    }

    @BeforeEach
    void start() throws IOException {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2)
                .endpoint("/rooms", naming("exact"))
                .endpoint("/rooms/*", naming("rooms"))
                .endpoint("/rooms/vip/*", naming("vip"))
                .endpoint("/boom", new Endpoint() {
                    @Override
                    public void onText(ServerSession session, String text) {
                        throw new IllegalStateException("endpoint bug");
                    }
                })
                .http("/healthz", request -> HttpReply.json(200, "{\"status\":\"ok\"}")
                        .withHeader("Cache-Control", "no-store"))
                .http("/fails", request -> {
                    throw new IllegalStateException("handler bug");
                })
                .http("/null", request -> null)
                .errorHandler(serverErrors::add)
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    private String roundTrip(String path, String text) throws Exception {
        JdkClient c = JdkClient.connect(ws(path));
        c.socket.sendText(text, true).get(10, TimeUnit.SECONDS);
        String answer = c.nextText();
        c.socket.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        c.awaitClose();
        return answer;
    }

    @Test
    void exactPathsWinOverPrefixesAndLongerPrefixesOverShorter() throws Exception {
        assertEquals("exact:/rooms:a", roundTrip("/rooms", "a"));
        assertEquals("rooms:/rooms/lobby:b", roundTrip("/rooms/lobby", "b"));
        assertEquals("rooms:/rooms/lobby/deep:c", roundTrip("/rooms/lobby/deep?x=1", "c"));
        assertEquals("vip:/rooms/vip/gold:d", roundTrip("/rooms/vip/gold", "d"));
        assertEquals("rooms:/rooms/vip:e", roundTrip("/rooms/vip", "e"));
    }

    @Test
    void aPrefixNeedsSomethingAfterItsSlash() throws Exception {
        assertEquals(404, upgradeStatus("/rooms/"));
        assertEquals(404, upgradeStatus("/roomsx"));
        assertEquals(426, get("/rooms/lobby").statusCode());
    }

    @Test
    void httpHandlersAnswerWithTheirReply() throws Exception {
        HttpResponse<String> ok = get("/healthz");
        assertEquals(200, ok.statusCode());
        assertEquals("{\"status\":\"ok\"}", ok.body());
        assertEquals("application/json", ok.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-store", ok.headers().firstValue("Cache-Control").orElseThrow());
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.port() + "/healthz")).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals("15", head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(404, get("/healthz/more").statusCode());
    }

    @Test
    void aFailingHandlerGets500AndReachesTheErrorHandler() throws Exception {
        long before = server.metrics().errors();
        assertEquals(500, get("/fails").statusCode());
        assertEquals(500, get("/null").statusCode());
        assertTrue(serverErrors.stream().anyMatch(e -> "handler bug".equals(e.getMessage())), serverErrors::toString);
        assertTrue(serverErrors.stream().anyMatch(e -> e instanceof NullPointerException), serverErrors::toString);
        assertEquals(before + 2, server.metrics().errors());
        // the loops survived
        assertEquals(200, get("/healthz").statusCode());
    }

    @Test
    void metricsCountConnectionsMessagesBytesRequestsAndErrors() throws Exception {
        ServerMetrics start = server.metrics();
        assertEquals(0, start.openSessions());
        JdkClient a = JdkClient.connect(ws("/rooms/a"));
        JdkClient b = JdkClient.connect(ws("/rooms/b"));
        awaitTrue(() -> server.metrics().openSessions() == 2);
        for (int i = 0; i < 5; i++) {
            a.socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
            a.nextText();
        }
        b.socket.sendText("x", true).get(10, TimeUnit.SECONDS);
        b.nextText();
        // the client can see a message a moment before the server's loop records that its queue is empty
        awaitTrue(() -> server.metrics().messagesOut() >= start.messagesOut() + 6
                && server.metrics().queuedBytes() == 0);
        ServerMetrics during = server.metrics();
        assertEquals(2, during.openConnections());
        assertEquals(start.acceptedConnections() + 2, during.acceptedConnections());
        assertEquals(start.messagesIn() + 6, during.messagesIn());
        assertEquals(start.messagesOut() + 6, during.messagesOut());
        // 6 masked frames in (>= 6 + 6 * 5 bytes) plus two upgrade requests; 6 answers plus two 101s out
        assertTrue(during.bytesIn() - start.bytesIn() > 6 * 11 + 2 * 100, during::toString);
        assertTrue(during.bytesOut() - start.bytesOut() > 2 * 100 + 5 * 17, during::toString);

        assertEquals(200, get("/healthz").statusCode());
        assertEquals(start.httpRequests() + 1, server.metrics().httpRequests());

        long errorsBefore = server.metrics().errors();
        JdkClient boom = JdkClient.connect(ws("/boom"));
        boom.socket.sendText("x", true).get(10, TimeUnit.SECONDS);
        assertEquals(1011, boom.awaitClose().code());
        assertEquals(errorsBefore + 1, server.metrics().errors());
        assertEquals(400, rawStatus("GARBAGE\r\n\r\n"));
        awaitTrue(() -> server.metrics().errors() == errorsBefore + 2);

        a.socket.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        b.socket.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        a.awaitClose();
        b.awaitClose();
        awaitTrue(() -> server.metrics().openConnections() == 0 && server.metrics().openSessions() == 0);
    }

    @Test
    void badRegistrationsAreRefused() {
        WebSocketServer.Builder b = WebSocketServer.builder().endpoint("/a", naming("a")).http("/h", r -> null);
        assertThrows(IllegalArgumentException.class, () -> b.http("/a", r -> null));
        assertThrows(IllegalArgumentException.class, () -> b.endpoint("/h", naming("h")));
        assertThrows(IllegalArgumentException.class, () -> b.http("/h", r -> null));
        assertThrows(IllegalArgumentException.class, () -> b.endpoint("/x*", naming("x")));
        assertThrows(IllegalArgumentException.class, () -> b.endpoint("/*/y", naming("x")));
        assertThrows(IllegalArgumentException.class, () -> b.http("/x/*", r -> null));
        assertThrows(IllegalArgumentException.class, () -> b.http("nohash", r -> null));
        assertThrows(IllegalArgumentException.class, () -> HttpReply.text(101, "x"));
        assertThrows(IllegalArgumentException.class, () -> HttpReply.text(200, "x").withHeader("Content-Length", "1"));
        assertThrows(IllegalArgumentException.class, () -> HttpReply.text(200, "x").withHeader("X-A", "a\r\nb: c"));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int upgradeStatus(String path) throws IOException {
        return rawStatus("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }

    /** Sends raw request bytes and returns the status code of the answer. */
    private int rawStatus(String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
