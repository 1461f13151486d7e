package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ReconnectTest {
    private final ClientEventLoop loop = ClientEventLoop.create("test-reconnect");
    private final Recorder rec = new Recorder();

    @AfterEach
    void stopLoop() {
        loop.close();
    }

    @Test
    void reconnectsAndFlushesQueuedMessagesInOrderAndRefusesWhenFull() throws Exception {
        ReconnectPolicy policy = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(300))
                .maxDelay(Duration.ofSeconds(1)).jitter(0).queueCapacity(3).build();
        try (RawServer server = new RawServer()) {
            WebSocket ws = rec.attach(WebSocket.builder(server.url("/")).eventLoop(loop).reconnect(policy)).connect();
            RawPeer first = server.accept();
            first.acceptUpgrade();
            rec.next(OpenEvent.class);
            first.close(); // server drops

            rec.next(ErrorEvent.class);
            ReconnectingEvent reconnecting = rec.next(ReconnectingEvent.class);
            assertEquals(1, reconnecting.attempt());
            assertEquals(Duration.ofMillis(300), reconnecting.delay());
            assertEquals(WebSocket.CONNECTING, ws.readyState());
            assertTrue(ws.send("one"));
            assertTrue(ws.send("two"));
            assertTrue(ws.send("three"));
            assertThrows(SendBufferFullException.class, () -> ws.send("four"), "full queue refuses loudly");

            RawPeer second = server.accept();
            second.acceptUpgrade();
            assertEquals(1, rec.next(ReconnectedEvent.class).attempt());
            assertEquals(WebSocket.OPEN, ws.readyState());
            assertEquals("one", second.readFrame().text());
            assertEquals("two", second.readFrame().text());
            assertEquals("three", second.readFrame().text());
            ws.send("after");
            assertEquals("after", second.readFrame().text());

            ws.close(1000, "");
            assertEquals(1000, second.readFrame().closeCode());
            second.writeClose(1000, "");
            second.close();
            CloseEvent ce = rec.next(CloseEvent.class);
            assertTrue(ce.wasClean());
            assertEquals(WebSocket.CLOSED, ws.readyState());
        }
    }

    @Test
    void backoffGrowsExponentiallyWithJitterUnderTheCap() {
        ReconnectPolicy p = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100))
                .maxDelay(Duration.ofMillis(1000)).multiplier(2).jitter(0.5).build();
        SplittableRandom r = new SplittableRandom(1);
        for (int attempt = 1; attempt <= 10; attempt++) {
            long full = Math.min(1000, 100L << (attempt - 1));
            long d = p.delay(attempt, r).toMillis();
            assertTrue(d <= full && d >= full / 2, "attempt " + attempt + ": " + d + " not in [" + full / 2 + ", " + full + "]");
        }
        assertEquals(Duration.ofMillis(400), ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100))
                .jitter(0).build().delay(3, r));
    }
}
