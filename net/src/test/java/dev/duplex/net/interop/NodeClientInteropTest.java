package dev.duplex.net.interop;

import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;
import dev.duplex.testkit.PeerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Node's ws client (peers/node/client.js) against our server; the shared cases are in the superclass. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeClientInteropTest extends PeerClientInteropTest {

    @Override
    PeerProcess client(URI url, String... argsAndSteps) {
        return PeerProcess.nodeClient(url, argsAndSteps);
    }

    @Override
    String[] offerDeflate() {
        return new String[] {"--deflate"}; // ws offers nothing unless asked
    }

    /** Only the Node client reports pings: our keepalive ping reaches it, and its pong keeps the session alive. */
    @Test
    void serverKeepalivePingIsAnsweredByTheClient() throws Exception {
        server.stop();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .ping(Duration.ofMillis(100), Duration.ofSeconds(5)).endpoint("/echo", echo).build().start();
        try (PeerProcess peer = client(url("keepalive"))) {
            assertEquals("open", peer.readJson(EVENT_TIMEOUT).get("event"));
            ServerSession session = echo.awaitOpen(EVENT_TIMEOUT);
            for (int i = 0; i < 3; i++) {
                Map<String, Object> ping = peer.readJson(EVENT_TIMEOUT);
                assertEquals("ping", ping.get("event"), () -> "expected a keepalive ping, got " + ping);
            }
            session.close(1000, "enough");
            List<Map<String, Object>> events = eventsUntilExit(peer, 0);
            Map<String, Object> close = only(events, "close");
            assertEquals(1000L, num(close, "code"));
            assertEquals("enough", close.get("reason"));
        }
        assertEquals(new RecordingEcho.Closed(1000, "enough", true), echo.awaitClose("keepalive", EVENT_TIMEOUT));
    }
}
