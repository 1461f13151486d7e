package dev.duplex.net.deflate;

import dev.duplex.core.CloseCodes;
import dev.duplex.core.EngineConfig;
import dev.duplex.core.deflate.PerMessageDeflate;
import dev.duplex.core.extension.AcceptedExtension;
import dev.duplex.core.extension.Extension;
import dev.duplex.core.extension.ExtensionFactory;
import dev.duplex.core.handshake.ExtensionOffer;
import dev.duplex.net.EndpointOptions;
import dev.duplex.net.ExtensionNegotiator;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our server with compression on, seen byte by byte from a raw client: negotiation, decline, bombs, broadcast. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerCompressionTest {
    private static final int TEXT = 1;
    private static final int BINARY = 2;
    private static final int CLOSE = 8;

    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void negotiatesAndCompressesBothWays() throws Exception {
        server = ServerVariant.start(WebSocketServer.builder());
        try (DeflateRawClient c = new DeflateRawClient(server.port(), ServerVariant.DEFAULTS.path(),
                "permessage-deflate; client_max_window_bits")) {
            assertTrue(c.head.startsWith("HTTP/1.1 101"), c.head);
            assertEquals("permessage-deflate", c.extensionsHeader());
            byte[] hello = "hello hello hello hello".getBytes(StandardCharsets.UTF_8);
            c.sendFrame(true, TEXT, c.deflate(hello));
            DeflateRawClient.Frame echo = c.readFrame();
            assertTrue(echo.rsv1(), "the echo is compressed");
            assertEquals(TEXT, echo.opcode());
            assertArrayEquals(hello, c.inflate(echo));
            // an uncompressed message is allowed on a compressed connection; the answer is compressed anyway
            byte[] bytes = new byte[3000];
            c.sendFrame(false, BINARY, bytes);
            DeflateRawClient.Frame echo2 = c.readFrame();
            assertTrue(echo2.rsv1());
            assertTrue(echo2.payload().length < 100, "3000 zeros compress: " + echo2.payload().length);
            assertArrayEquals(bytes, c.inflate(echo2));
        }
    }

    @Test
    void answersWithTheConfiguredParameters() throws Exception {
        server = ServerVariant.start(WebSocketServer.builder());
        try (DeflateRawClient c = new DeflateRawClient(server.port(), ServerVariant.ALL_FOUR_RELEASE_WHEN_IDLE.path(),
                "permessage-deflate; client_max_window_bits")) {
            assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                    + "server_max_window_bits=10; client_max_window_bits=10", c.extensionsHeader());
        }
    }

    @Test
    void declinedOfferLeavesTheConnectionUncompressed() throws Exception {
        server = ServerVariant.start(WebSocketServer.builder());
        // window bits 7 are invalid: the server declines the only offer and upgrades without the extension
        try (DeflateRawClient c = new DeflateRawClient(server.port(), ServerVariant.DEFAULTS.path(),
                "permessage-deflate; server_max_window_bits=7")) {
            assertTrue(c.head.startsWith("HTTP/1.1 101"), c.head);
            assertNull(c.extensionsHeader());
            c.sendFrame(false, TEXT, "plain".getBytes(StandardCharsets.UTF_8));
            DeflateRawClient.Frame echo = c.readFrame();
            assertFalse(echo.rsv1());
            assertEquals("plain", new String(echo.payload(), StandardCharsets.UTF_8));
            // without the extension RSV1 means nothing negotiated: a protocol error
            c.sendFrame(true, TEXT, c.deflate("x".getBytes(StandardCharsets.UTF_8)));
            DeflateRawClient.Frame close = c.readFrame();
            assertEquals(CLOSE, close.opcode());
            assertEquals(CloseCodes.PROTOCOL_ERROR, close.closeCode());
        }
    }

    @Test
    void plainEndpointAndClientsWithoutOffersStayUncompressed() throws Exception {
        server = ServerVariant.start(WebSocketServer.builder());
        try (DeflateRawClient offered = new DeflateRawClient(server.port(), "/plain", "permessage-deflate");
             DeflateRawClient none = new DeflateRawClient(server.port(), ServerVariant.DEFAULTS.path(), null)) {
            assertNull(offered.extensionsHeader());
            assertNull(none.extensionsHeader());
            none.sendFrame(false, TEXT, new byte[200]);
            DeflateRawClient.Frame echo = none.readFrame();
            assertFalse(echo.rsv1());
            assertEquals(200, echo.payload().length);
        }
    }

    @Test
    void compressionBombIsClosedWith1009() throws Exception {
        EchoEndpoint endpoint = new EchoEndpoint();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .engineConfig(EngineConfig.builder().maxMessageSize(1 << 20).build())
                .endpoint("/bomb", endpoint, EndpointOptions.builder().compression(PerMessageDeflate.defaults()).build())
                .build().start();
        byte[] bomb = zerosBomb(4096); // inflates to 4 GiB; the limit is 1 MiB
        assertTrue(bomb.length < 8 << 20, "bomb size " + bomb.length);
        try (DeflateRawClient c = new DeflateRawClient(server.port(), "/bomb", "permessage-deflate")) {
            assertEquals("permessage-deflate", c.extensionsHeader());
            // the server may stop reading (and reset) long before the whole bomb is written
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    c.sendFrame(true, BINARY, bomb);
                } catch (IOException expected) {
                    // closed under us: fine
                }
            });
            DeflateRawClient.Frame close = c.readFrame();
            assertEquals(CLOSE, close.opcode());
            assertEquals(CloseCodes.MESSAGE_TOO_BIG, close.closeCode());
            writer.get(30, TimeUnit.SECONDS);
        }
        assertEquals(CloseCodes.MESSAGE_TOO_BIG, endpoint.closeCodes.poll(10, TimeUnit.SECONDS));
        // the server is unharmed: a new connection still gets compressed echoes
        try (DeflateRawClient c = new DeflateRawClient(server.port(), "/bomb", "permessage-deflate")) {
            byte[] hi = "still here".getBytes(StandardCharsets.UTF_8);
            c.sendFrame(true, TEXT, c.deflate(hi));
            assertArrayEquals(hi, c.inflate(c.readFrame()));
        }
    }

    /** Raw DEFLATE (without the tail) that inflates to {@code mebibytes} MiB of zeros: one sync-flushed MiB, repeated. */
    private static byte[] zerosBomb(int mebibytes) {
        Deflater d = new Deflater(9, true);
        d.setInput(new byte[1 << 20]);
        ByteArrayOutputStream seg = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        do {
            n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            seg.write(buf, 0, n);
        } while (n == buf.length);
        d.end();
        byte[] one = seg.toByteArray(); // ends with the sync marker 00 00 FF FF: segments concatenate
        ByteArrayOutputStream all = new ByteArrayOutputStream(one.length * mebibytes);
        for (int i = 0; i < mebibytes; i++) {
            all.writeBytes(one);
        }
        byte[] b = all.toByteArray();
        return java.util.Arrays.copyOf(b, b.length - 4);
    }

    @Test
    void broadcastReachesCompressedAndUncompressedSessions() throws Exception {
        EchoEndpoint endpoint = new EchoEndpoint();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2)
                .endpoint("/room", endpoint, EndpointOptions.builder()
                        .compression(PerMessageDeflate.builder().compressionThreshold(0).build()).build())
                .build().start();
        try (DeflateRawClient compressed = new DeflateRawClient(server.port(), "/room", "permessage-deflate");
             DeflateRawClient plain = new DeflateRawClient(server.port(), "/room", null);
             DeflateRawClient compressed2 = new DeflateRawClient(server.port(), "/room", "permessage-deflate")) {
            assertNotNull(compressed.extensionsHeader());
            assertNull(plain.extensionsHeader());
            List<ServerSession> sessions = List.of(awaitOpen(endpoint), awaitOpen(endpoint), awaitOpen(endpoint));
            String small = "news";                      // 7-bit length
            String medium = "m".repeat(300);            // 16-bit length
            byte[] large = new byte[100_000];           // 64-bit length
            for (int i = 0; i < large.length; i++) {
                large[i] = (byte) (i % 251);
            }
            server.broadcast(sessions, small);
            server.broadcast(sessions, medium);
            server.broadcast(sessions, ByteBuffer.wrap(large));
            for (DeflateRawClient c : List.of(compressed, plain, compressed2)) {
                boolean deflated = c != plain;
                DeflateRawClient.Frame f1 = c.readFrame();
                DeflateRawClient.Frame f2 = c.readFrame();
                DeflateRawClient.Frame f3 = c.readFrame();
                assertEquals(deflated, f1.rsv1());
                assertEquals(deflated, f3.rsv1());
                assertEquals(TEXT, f1.opcode());
                assertEquals(TEXT, f2.opcode());
                assertEquals(BINARY, f3.opcode());
                assertEquals(small, new String(c.inflate(f1), StandardCharsets.UTF_8));
                assertEquals(medium, new String(c.inflate(f2), StandardCharsets.UTF_8));
                assertArrayEquals(large, c.inflate(f3));
            }
        }
    }

    private static ServerSession awaitOpen(EchoEndpoint endpoint) throws InterruptedException {
        ServerSession s = endpoint.opened.poll(10, TimeUnit.SECONDS);
        assertNotNull(s, "session opened");
        return s;
    }

    @Test
    void negotiatedExtensionsAreReleasedWhenNo101IsSent() throws Exception {
        AtomicInteger created = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        ExtensionFactory counting = new CountingFactory(PerMessageDeflate.defaults(), created, released);
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .endpoint("/x", new EchoEndpoint(), EndpointOptions.builder()
                        .extensions(ExtensionNegotiator.of(counting))
                        .subprotocols(offered -> "not-offered") // makes the 101 impossible after negotiation
                        .build())
                .build().start();
        try (DeflateRawClient c = new DeflateRawClient(server.port(), "/x", "permessage-deflate",
                "Sec-WebSocket-Protocol: chat")) {
            assertTrue(c.head.startsWith("HTTP/1.1 500"), c.head);
        }
        assertEquals(1, created.get(), "an extension was negotiated");
        assertEquals(created.get(), released.get(), "every negotiated extension was released");
    }

    @Test
    void negotiatorRejectsDuplicateNames() {
        assertThrows(IllegalArgumentException.class,
                () -> ExtensionNegotiator.of(PerMessageDeflate.defaults(), PerMessageDeflate.defaults()));
    }

    /** Wraps a factory and counts the extensions it hands out and their releases. */
    private record CountingFactory(ExtensionFactory inner, AtomicInteger created, AtomicInteger released)
            implements ExtensionFactory {
        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public Optional<AcceptedExtension> serverAccept(List<ExtensionOffer> offers) {
            return inner.serverAccept(offers).map(a -> {
                created.incrementAndGet();
                return new AcceptedExtension(a.response(), new Counted(a.extension(), released));
            });
        }

        @Override
        public List<ExtensionOffer> clientOffers() {
            return inner.clientOffers();
        }

        @Override
        public Extension clientAccept(ExtensionOffer response) {
            return inner.clientAccept(response);
        }
    }

    private record Counted(Extension inner, AtomicInteger released) implements Extension {
        public String name() {
            return inner.name();
        }

        public int rsvBits() {
            return inner.rsvBits();
        }

        public boolean shouldEncode(boolean text, long length) {
            return inner.shouldEncode(text, length);
        }

        public ByteBuffer encode(ByteBuffer payload, boolean fin) {
            return inner.encode(payload, fin);
        }

        public void decode(ByteBuffer payload, boolean fin, PayloadSink out) {
            inner.decode(payload, fin, out);
        }

        public void release() {
            released.incrementAndGet();
            inner.release();
        }
    }
}
