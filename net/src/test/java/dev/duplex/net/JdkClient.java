package dev.duplex.net;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The JDK's WebSocket client, recording every event in a queue that tests poll with deadlines. */
final class JdkClient implements WebSocket.Listener {
    /** One received event: "text", "binary", "ping", "pong", "close", "error". */
    record Event(String kind, String text, byte[] bytes, int code) {
    }

    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final CompletableFuture<Event> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
    WebSocket socket;

    static JdkClient connect(HttpClient http, URI uri) throws Exception {
        JdkClient c = new JdkClient();
        c.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, c)
                .get(10, TimeUnit.SECONDS);
        return c;
    }

    static JdkClient connect(URI uri) throws Exception {
        return connect(HttpClient.newHttpClient(), uri);
    }

    Event next() throws InterruptedException {
        Event e = events.poll(20, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no event within 20 s");
        }
        return e;
    }

    String nextText() throws InterruptedException {
        Event e = next();
        if (!e.kind().equals("text")) {
            throw new AssertionError("expected text, got " + e);
        }
        return e.text();
    }

    Event awaitClose() throws Exception {
        return closed.get(20, TimeUnit.SECONDS);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            events.add(new Event("text", text.toString(), null, 0));
            text.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        binary.writeBytes(b);
        if (last) {
            events.add(new Event("binary", null, binary.toByteArray(), 0));
            binary = new java.io.ByteArrayOutputStream();
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        events.add(new Event("ping", null, null, 0));
        return WebSocket.Listener.super.onPing(webSocket, message);
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        byte[] b = new byte[message.remaining()];
        message.get(b);
        events.add(new Event("pong", null, b, 0));
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        Event e = new Event("close", reason, null, statusCode);
        events.add(e);
        closed.complete(e);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        Event e = new Event("error", String.valueOf(error), null, 1006);
        events.add(e);
        closed.complete(e);
    }
}
