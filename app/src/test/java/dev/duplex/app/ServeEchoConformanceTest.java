package dev.duplex.app;

import dev.duplex.testkit.Payloads;
import dev.duplex.testkit.PeerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code duplex serve --max-message-size 16MiB --compress}: /echo behaves like the library's own echo at the
 * protocol's edges, against real peers: 16 MiB text and binary messages round-trip compressed both ways (Node ws,
 * Python websockets), fragmented input is echoed whole (the JDK's client sends fragments), and one byte over
 * the limit closes with 1009.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeEchoConformanceTest {
    private static final int SIXTEEN_MIB = 16 << 20;
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(60);
    private static Serving serving;

    @BeforeAll
    static void serve() throws Exception {
        serving = ServeCommandTest.start("--memory", "--no-demo", "--max-message-size", "16MiB", "--compress");
    }

    @AfterAll
    static void stop() {
        serving.close();
    }

    private static URI echo() {
        return URI.create(serving.wsBase() + "/echo");
    }

    @Test
    void nodeWsRoundTrips16MiBCompressedBothWays() {
        try (PeerProcess peer = PeerProcess.nodeClient(echo(), "--deflate", "text-size " + SIXTEEN_MIB,
                "binary-size " + SIXTEEN_MIB, "wait 2", "close 1000 done")) {
            assertRoundTrips(peer);
        }
    }

    @Test
    void pythonWebsocketsRoundTrips16MiBCompressedBothWays() {
        try (PeerProcess peer = PeerProcess.pythonClient(echo(), "--max-size", String.valueOf(SIXTEEN_MIB),
                "text-size " + SIXTEEN_MIB, "binary-size " + SIXTEEN_MIB, "wait 2", "close 1000 done")) {
            assertRoundTrips(peer);
        }
    }

    @Test
    void oneByteOverTheLimitClosesWith1009() {
        try (PeerProcess peer = PeerProcess.nodeClient(echo(), "--deflate", "binary-size " + (SIXTEEN_MIB + 1))) {
            Map<String, Object> open = peer.readJson(EVENT_TIMEOUT);
            assertEquals("open", open.get("event"), open.toString());
            Map<String, Object> close = peer.readJson(EVENT_TIMEOUT);
            assertEquals("close", close.get("event"), close.toString());
            assertEquals(1009, ((Number) close.get("code")).intValue(), close.toString());
        }
    }

    @Test
    void fragmentedMessagesFromTheJdkClientAreEchoedWhole() throws Exception {
        String text = Payloads.text(SIXTEEN_MIB);
        byte[] binary = Payloads.binary(SIXTEEN_MIB);
        Collector collector = new Collector();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(echo(), collector)
                .get(15, TimeUnit.SECONDS);
        try {
            int step = SIXTEEN_MIB / 16;
            for (int i = 0; i < 16; i++) { // 16 frames: one text message
                ws.sendText(text.substring(i * step, (i + 1) * step), i == 15).get(30, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 16; i++) {
                ws.sendBinary(ByteBuffer.wrap(binary, i * step, step), i == 15).get(30, TimeUnit.SECONDS);
            }
            Object first = collector.messages.poll(EVENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Object second = collector.messages.poll(EVENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertInstanceOf(String.class, first, "the text message came back");
            assertEquals(Payloads.sha256(text), Payloads.sha256((String) first));
            assertArrayEquals(binary, assertInstanceOf(byte[].class, second));
            ws.sendClose(1000, "done").get(15, TimeUnit.SECONDS);
            assertEquals(1000, collector.closeCode.get(15, TimeUnit.SECONDS));
        } finally {
            ws.abort();
        }
    }

    /** Collects whole messages (String or byte[]) from fragments, and the close code. */
    private static final class Collector implements WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
            messages.add(error);
        }
    }

    private static void assertRoundTrips(PeerProcess peer) {
        Map<String, Object> open = peer.readJson(EVENT_TIMEOUT);
        assertEquals("open", open.get("event"), open.toString());
        assertTrue(String.valueOf(open.get("extensions")).startsWith("permessage-deflate"), open.toString());
        assertMessage(peer.readJson(EVENT_TIMEOUT), "text", Payloads.sha256(Payloads.text(SIXTEEN_MIB)));
        assertMessage(peer.readJson(EVENT_TIMEOUT), "binary", Payloads.sha256(Payloads.binary(SIXTEEN_MIB)));
        Map<String, Object> close = peer.readJson(EVENT_TIMEOUT);
        assertEquals("close", close.get("event"), close.toString());
        assertEquals(1000, ((Number) close.get("code")).intValue(), close.toString());
        assertEquals(0, peer.waitForExit(Duration.ofSeconds(30)));
    }

    private static void assertMessage(Map<String, Object> m, String type, String sha256) {
        assertEquals("message", m.get("event"), m.toString());
        assertEquals(type, m.get("type"), m.toString());
        assertEquals(SIXTEEN_MIB, ((Number) m.get("length")).intValue(), m.toString());
        assertEquals(sha256, m.get("sha256"), type);
    }
}
