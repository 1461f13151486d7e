package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A /hub client on the JDK's java.net.http.WebSocket: sends JSON text, collects every text message received. */
final class JdkHubClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final WebSocket ws;

    private JdkHubClient(URI uri) throws Exception {
        this.ws = HTTP.newWebSocketBuilder().buildAsync(uri, new Collector()).get(10, TimeUnit.SECONDS);
    }

    static JdkHubClient connect(URI uri) throws Exception {
        return new JdkHubClient(uri);
    }

    void send(String json) throws Exception {
        ws.sendText(json, true).get(10, TimeUnit.SECONDS);
    }

    JsonNode next() throws InterruptedException {
        JsonNode n = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(n, "nothing received within 10 s");
        return n;
    }

    JsonNode next(String type) throws InterruptedException {
        JsonNode n = next();
        assertEquals(type, n.path("type").asText(), () -> "expected " + type + " but got " + n);
        return n;
    }

    @Override
    public void close() throws Exception {
        if (!ws.isOutputClosed()) {
            ws.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
        }
        closed.get(10, TimeUnit.SECONDS);
    }

    private final class Collector implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    received.add(FakePeer.JSON.readTree(text.toString()));
                } catch (Exception e) {
                    closed.completeExceptionally(e);
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
