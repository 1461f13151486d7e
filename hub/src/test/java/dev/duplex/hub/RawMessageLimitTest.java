package dev.duplex.hub;

import dev.duplex.testkit.JdkWebSocket;
import dev.duplex.net.WebSocketServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link HubLimits#maxRawMessageBytes()} bounds /echo and /broadcast apart from the hub's request limit. */
@Timeout(30)
class RawMessageLimitTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void rawEndpointsTakeMessagesUpToTheirOwnLimit() throws Exception {
        HubLimits limits = HubLimits.builder().maxMessageBytes(1_000).maxRawMessageBytes(200_000).build();
        try (Hub hub = Hub.builder().inMemory().limits(limits).build()) {
            WebSocketServer server = hub.startServer(WebSocketServer.builder().host("127.0.0.1").port(0));
            try {
                URI base = URI.create("ws://127.0.0.1:" + server.port());
                byte[] big = new byte[200_000];
                big[199_999] = 7;
                try (JdkWebSocket echo = new JdkWebSocket(base.resolve("/echo"))) {
                    echo.sendBinary(big);
                    assertArrayEquals(big, assertInstanceOf(JdkWebSocket.Binary.class, echo.next(WAIT)).data());
                    echo.sendBinary(new byte[200_001]);
                    assertEquals(1009, assertInstanceOf(JdkWebSocket.Closed.class, echo.next(WAIT)).code());
                }
                try (JdkWebSocket room = new JdkWebSocket(base.resolve("/broadcast/room"))) {
                    room.sendBinary(big);
                    assertArrayEquals(big, assertInstanceOf(JdkWebSocket.Binary.class, room.next(WAIT)).data());
                }
                try (JdkWebSocket client = new JdkWebSocket(base.resolve("/hub"))) {
                    assertInstanceOf(JdkWebSocket.Text.class, client.next(WAIT)); // welcome
                    client.sendText("{\"type\":\"ping\",\"id\":\"" + "x".repeat(1_000) + "\"}");
                    String reply = assertInstanceOf(JdkWebSocket.Text.class, client.next(WAIT)).text();
                    assertEquals(true, reply.contains("\"too_large\""), reply);
                }
            } finally {
                server.stop();
            }
        }
        assertThrows(IllegalArgumentException.class, () -> HubLimits.builder().maxRawMessageBytes(0));
    }
}
