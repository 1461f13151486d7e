package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link HttpCall}: request bodies, answers from another thread, streams, limits and the end of a call. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpCallTest {
    private WebSocketServer server;
    private final BlockingQueue<HttpCall> calls = new ArrayBlockingQueue<>(16);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private void start(WebSocketServer.Builder b) throws IOException {
        server = b.host("127.0.0.1").port(0).eventLoops(2)
                .httpCalls("/call", 1024, Duration.ofSeconds(20), calls::add)
                .http("/plain", r -> HttpReply.text(200, "plain"))
                .build().start();
    }

    private void start() throws IOException {
        start(WebSocketServer.builder());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpCall nextCall() throws InterruptedException {
        HttpCall c = calls.poll(10, TimeUnit.SECONDS);
        assertNotNull(c, "the handler was not called");
        return c;
    }

    @Test
    void aPostBodyIsReadAndTheAnswerComesFromAnotherThreadOnAKeptConnection() throws Exception {
        start();
        CompletableFuture<HttpResponse<String>> first = client.sendAsync(HttpRequest.newBuilder(uri("/call?x=1"))
                .POST(HttpRequest.BodyPublishers.ofString("héllo")).build(), HttpResponse.BodyHandlers.ofString());
        HttpCall call = nextCall();
        assertEquals("POST", call.request().method());
        assertEquals("x=1", call.request().query());
        assertEquals("héllo", call.bodyText());
        assertFalse(first.isDone());
        Thread other = new Thread(() -> call.reply(HttpReply.json(200, "{\"got\":\"" + call.bodyText() + "\"}")));
        other.start();
        HttpResponse<String> r = first.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("{\"got\":\"héllo\"}", r.body());
        assertFalse(call.reply(HttpReply.text(200, "twice")), "a call is answered once");
        assertFalse(call.isOpen());
        // the same connection serves the next request
        HttpResponse<String> plain = client.send(HttpRequest.newBuilder(uri("/plain")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("plain", plain.body());
        assertEquals(1, server.metrics().acceptedConnections());
    }

    @Test
    void aStreamIsChunkedAndEndsWithTheConnectionKept() throws Exception {
        start();
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("GET /call HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpCall call = nextCall();
            assertTrue(call.startStream(HttpReply.of(200, "text/event-stream", "first\n".getBytes(StandardCharsets.UTF_8))
                    .withHeader("Cache-Control", "no-store")));
            String head = raw.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.contains("Transfer-Encoding: chunked"), head);
            assertTrue(head.contains("Content-Type: text/event-stream"), head);
            assertFalse(head.contains("Content-Length"), head);
            assertEquals(SendResult.QUEUED, call.send("second\n"));
            BufferedReader in = new BufferedReader(new InputStreamReader(raw.in, StandardCharsets.ISO_8859_1));
            assertEquals("6", in.readLine());
            assertEquals("first", in.readLine());
            assertEquals("", in.readLine());
            assertEquals("7", in.readLine());
            assertEquals("second", in.readLine());
            assertEquals("", in.readLine());
            CountDownLatch finished = new CountDownLatch(1);
            call.onFinish(finished::countDown);
            assertTrue(call.end());
            assertEquals("0", in.readLine());
            assertEquals("", in.readLine());
            assertTrue(finished.await(5, TimeUnit.SECONDS));
            assertEquals(SendResult.REFUSED, call.send("late"));
            raw.send("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK", in.readLine());
        }
    }

    @Test
    void theJdkClientReadsAStreamLineByLineWhileItIsWritten() throws Exception {
        start();
        CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response = client.sendAsync(
                HttpRequest.newBuilder(uri("/call")).build(), HttpResponse.BodyHandlers.ofLines());
        HttpCall call = nextCall();
        call.startStream(HttpReply.of(200, "text/plain", new byte[0]));
        var lines = response.get(10, TimeUnit.SECONDS).body().iterator();
        for (int i = 0; i < 3; i++) {
            call.send("line " + i + "\n");
            assertEquals("line " + i, lines.next()); // each arrives before the next is sent
        }
        call.end();
        assertFalse(lines.hasNext());
    }

    @Test
    void anHttp10StreamEndsWithTheConnectionAndAHeadRequestGetsTheHeadOnly() throws Exception {
        start();
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("GET /call HTTP/1.0\r\n\r\n");
            HttpCall call = nextCall();
            call.startStream(HttpReply.of(200, "text/plain", new byte[0]));
            call.send("one ");
            call.send("two");
            call.end();
            String all = raw.readAll(); // until the server closes: the close ends the body
            assertTrue(all.startsWith("HTTP/1.1 200"), all);
            assertTrue(all.contains("Connection: close"), all);
            assertFalse(all.contains("Transfer-Encoding"), all);
            assertTrue(all.endsWith("\r\n\r\none two"), all);
        }
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("HEAD /call HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpCall call = nextCall();
            assertTrue(call.startStream(HttpReply.of(200, "text/event-stream", new byte[0])));
            String head = raw.readHead();
            assertTrue(head.contains("Content-Type: text/event-stream"), head);
            assertFalse(call.isOpen(), "a HEAD stream ends with its head");
            raw.send("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Response next = raw.readResponse(false);
            assertEquals("plain", new String(next.body(), StandardCharsets.UTF_8), "no body was sent for the HEAD");
        }
    }

    @Test
    void aPeerThatLeavesFinishesTheCall() throws Exception {
        start();
        CountDownLatch finished = new CountDownLatch(1);
        HttpCall call;
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("GET /call HTTP/1.1\r\nHost: x\r\n\r\n");
            call = nextCall();
            call.onFinish(finished::countDown);
            call.startStream(HttpReply.of(200, "text/plain", new byte[0]));
            raw.readHead();
        }
        assertTrue(finished.await(10, TimeUnit.SECONDS), "onFinish after the peer closed");
        assertFalse(call.isOpen());
        assertEquals(SendResult.REFUSED, call.send("x"));
    }

    @Test
    void bodiesOverTheLimitGet413AndChunkedBodies411() throws Exception {
        start();
        HttpResponse<String> big = client.send(HttpRequest.newBuilder(uri("/call"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1025))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, big.statusCode());
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("POST /call HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n");
            assertEquals(411, raw.readResponse(false).status());
            assertTrue(raw.awaitServerClose());
        }
        assertTrue(calls.isEmpty(), "the handler saw none of them");
    }

    @Test
    void aBodyThatArrivesInPiecesAndExpectContinueAreRead() throws Exception {
        start();
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("POST /call HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
            assertTrue(raw.readHead().startsWith("HTTP/1.1 100 Continue"));
            raw.send("01234");
            assertTrue(calls.poll(200, TimeUnit.MILLISECONDS) == null, "not before the whole body");
            raw.send("56789GET /plain HTTP/1.1\r\nHost: x\r\n\r\n"); // the next request pipelined behind
            HttpCall call = nextCall();
            assertEquals("0123456789", call.bodyText());
            call.reply(HttpReply.text(200, "ok"));
            RawClient.Response first = raw.readResponse(false);
            assertEquals("ok\n".trim(), new String(first.body(), StandardCharsets.UTF_8).trim());
            assertEquals("keep-alive", first.header("Connection"));
            assertEquals("plain", new String(raw.readResponse(false).body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void anUnansweredCallGets503AfterItsTimeout() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .httpCalls("/slow", 0, Duration.ofMillis(300), calls::add).build().start();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/slow")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, r.statusCode());
        HttpCall call = nextCall();
        assertFalse(call.reply(HttpReply.text(200, "too late")));
    }

    @Test
    void aStreamToAPeerThatDoesNotReadIsShedAtTheOutputCap() throws Exception {
        start(WebSocketServer.builder().maxBufferedPerConnection(256 << 10));
        try (RawClient raw = new RawClient(server.port(), 4096)) {
            raw.send("GET /call HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpCall call = nextCall();
            AtomicReference<SendResult> last = new AtomicReference<>();
            CountDownLatch finished = new CountDownLatch(1);
            call.onFinish(finished::countDown);
            call.startStream(HttpReply.of(200, "application/octet-stream", new byte[0]));
            byte[] piece = new byte[16 << 10];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                last.set(call.send(piece));
                if (last.get() == SendResult.REFUSED) {
                    break;
                }
                if (call.bufferedAmount() > (128 << 10)) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            }
            assertEquals(SendResult.REFUSED, last.get());
            assertTrue(finished.await(10, TimeUnit.SECONDS), "the connection was closed");
            assertEquals(1, server.metrics().connectionsShed());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.metrics().bufferedBytes() != 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertEquals(0, server.metrics().bufferedBytes(), "the budget got every byte back");
    }

    @Test
    void pathsAreExclusive() {
        WebSocketServer.Builder b = WebSocketServer.builder().httpCalls("/a", 0, Duration.ofSeconds(1), c -> { });
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> b.http("/a", r -> HttpReply.text(200, "")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> b.endpoint("/a", new Endpoint() { }));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> b.httpCalls("/a", 0, Duration.ofSeconds(1), c -> { }));
    }
}
