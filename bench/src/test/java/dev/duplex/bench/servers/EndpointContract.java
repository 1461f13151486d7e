package dev.duplex.bench.servers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What every comparison server must do, checked with the JDK WebSocket client: {@code /echo} returns text as
 * text and binary as binary, {@code /broadcast} reaches every member including the sender, and topics
 * ({@code /broadcast/<topic>}) are separate audiences.
 */
abstract class EndpointContract {

    private RunningServer server;

    /** Starts the server under test on 127.0.0.1 and a free port. */
    abstract RunningServer start() throws Exception;

    @BeforeEach
    void startServer() throws Exception {
        server = start();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void echoesTextAsText() throws Exception {
        try (JdkClient client = JdkClient.connect(server.port(), "/echo")) {
            client.sendText("hello, échos ✓");
            client.sendText("");
            assertEquals("hello, échos ✓", client.next().text());
            assertEquals("", client.next().text());
        }
    }

    @Test
    void echoesBinaryAsBinary() throws Exception {
        byte[] small = {0, 1, 2, (byte) 0xFF};
        byte[] large = new byte[16 * 1024];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        try (JdkClient client = JdkClient.connect(server.port(), "/echo")) {
            client.sendBinary(small);
            client.sendBinary(large);
            JdkClient.Message first = client.next();
            assertNull(first.text(), "binary came back as text");
            assertArrayEquals(small, first.bytes());
            assertArrayEquals(large, client.next().bytes());
        }
    }

    @Test
    void broadcastReachesEveryMemberIncludingTheSender() throws Exception {
        try (JdkClient a = joined("/broadcast", "a"); JdkClient b = joined("/broadcast", "b")) {
            assertEquals("joined b", a.next().text(), "a saw b join");
            a.sendText("from a");
            assertEquals("from a", a.next().text());
            assertEquals("from a", b.next().text());
            byte[] data = "binary from b".getBytes(StandardCharsets.UTF_8);
            b.sendBinary(data);
            assertArrayEquals(data, a.next().bytes());
            assertArrayEquals(data, b.next().bytes());
        }
    }

    @Test
    void topicsAreSeparateAudiences() throws Exception {
        try (JdkClient red = joined("/broadcast/red", "red");
             JdkClient blue = joined("/broadcast/blue", "blue");
             JdkClient plain = joined("/broadcast", "plain")) {
            red.sendText("to red");
            assertEquals("to red", red.next().text());
            blue.sendText("to blue");
            assertEquals("to blue", blue.next().text());
            plain.sendText("to plain");
            assertEquals("to plain", plain.next().text());
            assertNull(red.poll(200), "red got another topic's message");
            assertNull(blue.poll(0), "blue got another topic's message");
            assertNull(plain.poll(0), "plain got a topic's message");
        }
    }

    /**
     * Connects to a broadcast path and waits for its own "joined" announcement to come back, which proves the
     * server counts it as a member (a message sent right after the handshake could otherwise race the join).
     */
    private JdkClient joined(String path, String name) throws Exception {
        JdkClient client = JdkClient.connect(server.port(), path);
        client.sendText("joined " + name);
        assertEquals("joined " + name, client.next().text());
        return client;
    }
}
