package dev.duplex.bench.servers;

import dev.duplex.testkit.JdkWebSocket;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** testkit's {@link JdkWebSocket} (the JDK's client) seen as a queue of whole messages, for the contract tests. */
final class JdkClient implements AutoCloseable {

    /** A received message: text (bytes null) or binary (text null). */
    record Message(String text, byte[] bytes) {
    }

    private final JdkWebSocket socket;

    private JdkClient(URI uri) throws Exception {
        socket = new JdkWebSocket(uri);
    }

    static JdkClient connect(int port, String path) throws Exception {
        return new JdkClient(URI.create("ws://127.0.0.1:" + port + path));
    }

    void sendText(String text) throws Exception {
        socket.sendText(text);
    }

    void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(data);
    }

    /** The next whole message, failing the test if none arrives within 5 seconds. */
    Message next() throws InterruptedException {
        Message message = poll(5_000);
        assertNotNull(message, "no message within 5 s");
        return message;
    }

    /** The next message if one arrives within {@code millis}, else null (a close or error fails the test). */
    Message poll(long millis) throws InterruptedException {
        JdkWebSocket.Event event = socket.poll(Duration.ofMillis(millis));
        if (event == null) {
            return null;
        }
        if (event instanceof JdkWebSocket.Text t) {
            return new Message(t.text(), null);
        }
        if (event instanceof JdkWebSocket.Binary b) {
            return new Message(null, b.data());
        }
        throw new AssertionError("expected a message, got " + event);
    }

    @Override
    public void close() {
        socket.close();
    }
}
