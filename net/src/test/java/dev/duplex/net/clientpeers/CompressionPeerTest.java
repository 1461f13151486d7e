package dev.duplex.net.clientpeers;

import dev.duplex.core.deflate.PerMessageDeflate;
import dev.duplex.net.ClientEventLoop;
import dev.duplex.net.MessageEvent;
import dev.duplex.net.WebSocket;
import dev.duplex.testkit.Payloads;
import dev.duplex.testkit.PeerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our client with {@code compression(PerMessageDeflate.defaults())} against the Node server with {@code --deflate}
 * and its parameter variants, and against the Python server (compression on by default): messages of 0 B, a few
 * bytes, 64 KiB, 1 MiB and 16 MiB, text and binary, come back intact, and {@link WebSocket#extensions()} is the
 * permessage-deflate answer the server selected. The Node server compresses every message (threshold 0), so
 * both directions are compressed on the wire.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CompressionPeerTest {
    private static final List<Integer> SIZES = List.of(0, 5, 64 << 10, 1 << 20, 16 << 20);

    private final ClientEventLoop loop = ClientEventLoop.create("test-client-deflate");
    private final Events events = new Events();

    @AfterEach
    void stopLoop() {
        loop.close();
    }

    /** Node server options, and a parameter its answer (and so extensions()) must carry. */
    static Stream<Arguments> nodeVariants() {
        return Stream.of(
                Arguments.of(List.of("--deflate"), ""),
                Arguments.of(List.of("--deflate", "--server-no-context-takeover"), "server_no_context_takeover"),
                Arguments.of(List.of("--deflate", "--client-no-context-takeover"), "client_no_context_takeover"),
                Arguments.of(List.of("--deflate", "--server-max-window-bits", "10"), "server_max_window_bits=10"),
                Arguments.of(List.of("--deflate", "--client-max-window-bits", "10"), "client_max_window_bits=10"));
    }

    @ParameterizedTest(name = "node {0}")
    @MethodSource("nodeVariants")
    void nodeDeflateVariants(List<String> options, String expectedParam) throws Exception {
        try (PeerProcess server = PeerProcess.nodeEchoServer(options.toArray(String[]::new))) {
            echoAllSizes(server, expectedParam);
        }
    }

    @Test
    void pythonDefaultCompression() throws Exception {
        try (PeerProcess server = PeerProcess.pythonEchoServer()) {
            // websockets' defaults: max_window_bits 12 in both directions
            echoAllSizes(server, "server_max_window_bits=12");
        }
    }

    @Test
    void serverWithoutDeflateOpensUncompressed() throws Exception {
        try (PeerProcess server = PeerProcess.nodeEchoServer()) {
            WebSocket ws = events.open(WebSocket.builder(server.uri()).eventLoop(loop)
                    .compression(PerMessageDeflate.defaults()));
            assertEquals("", ws.extensions(), "the server declined by not answering the offer");
            ws.send("plain");
            assertEquals("plain", events.message().text());
        }
    }

    private void echoAllSizes(PeerProcess server, String expectedParam) throws Exception {
        WebSocket ws = events.open(WebSocket.builder(server.uri()).eventLoop(loop)
                .compression(PerMessageDeflate.defaults()).maxBufferedAmount(64L << 20));
        String extensions = ws.extensions();
        assertTrue(extensions.startsWith("permessage-deflate"), "negotiated: '" + extensions + "'");
        assertFalse(extensions.contains(","), "one extension: '" + extensions + "'");
        assertTrue(extensions.contains(expectedParam), "'" + extensions + "' has " + expectedParam);
        for (int size : SIZES) {
            String text = Payloads.text(size);
            ws.send(text);
            MessageEvent t = events.message();
            assertTrue(t.isText(), "text of " + size);
            assertEquals(size, t.text().length(), "text length");
            assertEquals(Payloads.sha256(text), Payloads.sha256(t.text()), "text of " + size);

            byte[] data = Payloads.binary(size);
            ws.send(data);
            MessageEvent b = events.message();
            assertFalse(b.isText(), "binary of " + size);
            assertEquals(size, b.bytes().length, "binary length");
            assertEquals(Payloads.sha256(data), Payloads.sha256(b.bytes()), "binary of " + size);
        }
        // and the connection is still healthy afterwards: a clean close
        ws.close(1000, "done");
        assertTrue(events.close().wasClean());
    }
}
