package dev.duplex.bench.servers;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A JDK {@code java.net.http.WebSocket} that queues every whole message it receives. */
final class JdkClient implements WebSocket.Listener, AutoCloseable {

    /** A received message: text (bytes null) or binary (text null). */
    record Message(String text, byte[] bytes) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    private final StringBuilder textParts = new StringBuilder();
    private final ByteArrayOutputStream binaryParts = new ByteArrayOutputStream();
    private final WebSocket socket;

    private JdkClient(URI uri) throws Exception {
        socket = HTTP.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, this)
                .get(10, TimeUnit.SECONDS);
    }

    static JdkClient connect(int port, String path) throws Exception {
        return new JdkClient(URI.create("ws://127.0.0.1:" + port + path));
    }

    void sendText(String text) throws Exception {
        socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(data), true).get(5, TimeUnit.SECONDS);
    }

    /** The next whole message, failing the test if none arrives within 5 seconds. */
    Message next() throws InterruptedException {
        Message message = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(message, "no message within 5 s");
        return message;
    }

    /** The next message if one arrives within {@code millis}, else null. */
    Message poll(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        textParts.append(data);
        if (last) {
            received.add(new Message(textParts.toString(), null));
            textParts.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binaryParts.writeBytes(chunk);
        if (last) {
            received.add(new Message(null, binaryParts.toByteArray()));
            binaryParts.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
