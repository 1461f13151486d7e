package dev.duplex.app;

import dev.duplex.testkit.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A hub client for tests on the JDK's WebSocket: sends JSON frames, waits for frames of a given type. */
final class JdkHubClient implements WebSocket.Listener, AutoCloseable {
    private final LinkedBlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;

    private JdkHubClient(HttpClient http, URI uri) throws Exception {
        this.socket = http.newWebSocketBuilder().buildAsync(uri, this).get(10, TimeUnit.SECONDS);
    }

    static JdkHubClient connect(HttpClient http, URI uri) throws Exception {
        return new JdkHubClient(http, uri);
    }

    void send(String json) {
        socket.sendText(json, true).join();
    }

    /** The next frame whose type is {@code type}, skipping others; fails after 10 s. */
    Map<String, Object> next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Map<String, Object> f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (f == null) {
                throw new AssertionError("no '" + type + "' frame within 10 s");
            }
            if (type.equals(f.get("type"))) {
                return f;
            }
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(Json.parseObject(partial.toString()));
            partial.setLength(0);
        }
        ws.request(1);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
