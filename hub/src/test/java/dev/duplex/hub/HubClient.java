package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A /hub client over some transport (WebSocket, SSE, long polling), as the transport tests drive it. */
interface HubClient extends AutoCloseable {

    /** Every message received, in order. */
    BlockingQueue<JsonNode> received();

    /** Sends one request (a JSON object) or several (a JSON array; HTTP transports only). */
    void send(String json) throws Exception;

    default JsonNode next() throws InterruptedException {
        JsonNode n = received().poll(10, TimeUnit.SECONDS);
        assertNotNull(n, "nothing received within 10 s");
        return n;
    }

    default JsonNode next(String type) throws InterruptedException {
        JsonNode n = next();
        assertEquals(type, n.path("type").asText(), () -> "expected " + type + " but got " + n);
        return n;
    }

    /** The WebSocket client of the other tests, as a {@link HubClient}. */
    static HubClient of(JdkHubClient ws) {
        return new HubClient() {
            @Override
            public BlockingQueue<JsonNode> received() {
                return ws.received;
            }

            @Override
            public void send(String json) throws Exception {
                ws.send(json);
            }

            @Override
            public void close() throws Exception {
                ws.close();
            }
        };
    }
}
