package dev.duplex.hub.examples;

import dev.duplex.net.WebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding example works as docs/hub.md says: a subscriber gets the ticks. */
class PricesHubTest {
    @TempDir
    Path data;

    @Test
    void aSubscriberGetsPriceTicks() throws Exception {
        try (PricesHub app = new PricesHub(0, data)) {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            WebSocket ws = WebSocket.builder("ws://127.0.0.1:" + app.port() + "/hub?name=test")
                    .onMessage(e -> got.add(e.text())).connect();
            ws.whenOpen().get(10, TimeUnit.SECONDS);
            ws.send("{\"type\":\"subscribe\",\"topic\":\"prices\",\"history\":1}");
            String message = null;
            for (int i = 0; i < 5 && message == null; i++) {
                String s = got.poll(10, TimeUnit.SECONDS);
                assertNotNull(s, "no message within 10 s");
                if (s.contains("\"type\":\"message\"")) {
                    message = s;
                }
            }
            assertNotNull(message);
            assertTrue(message.contains("\"symbol\":\"DPLX\""), message);
            ws.close();
            ws.whenClosed().get(10, TimeUnit.SECONDS);
        }
    }
}
