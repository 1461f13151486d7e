package dev.duplex.net.deflate;

import dev.duplex.net.WebSocketServer;
import dev.duplex.testkit.Payloads;
import dev.duplex.testkit.PeerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our server with permessage-deflate against the Node {@code ws} and Python {@code websockets} clients: every
 * server setting, and the client-requested parameters, with messages of 0 B to 16 MiB echoed intact (length and
 * sha256 as the peer reports them) and the parameters the peer reports as negotiated.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PeerDeflateInteropTest {
    static final int[] SIZES = {0, 100, 64 << 10, 1 << 20, 16 << 20};
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(120);

    private static WebSocketServer server;

    enum Peer { NODE, PYTHON }

    @BeforeAll
    static void start() throws Exception {
        server = ServerVariant.start(WebSocketServer.builder());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static Stream<Arguments> serverSettings() {
        List<Arguments> all = new ArrayList<>();
        for (Peer peer : Peer.values()) {
            for (ServerVariant v : ServerVariant.values()) {
                all.add(Arguments.of(peer, v));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} client, server {1}")
    @MethodSource("serverSettings")
    void echoesEverySizeWithTheServerSettings(Peer peer, ServerVariant variant) throws Exception {
        run(peer, variant.path(), variant.expected);
    }

    /** What the client asks for, against the default server: the server must honour each request. */
    enum ClientRequest {
        SERVER_NO_CONTEXT_TAKEOVER(List.of("--server-no-context-takeover"), "server_no_context_takeover"),
        CLIENT_NO_CONTEXT_TAKEOVER(List.of("--client-no-context-takeover"), "client_no_context_takeover"),
        SERVER_MAX_WINDOW_BITS_10(List.of("--server-max-window-bits", "10"), "server_max_window_bits=10"),
        CLIENT_MAX_WINDOW_BITS_10(List.of("--client-max-window-bits", "10"), "client_max_window_bits=10");

        final List<String> flags;
        final String expected;

        ClientRequest(List<String> flags, String expected) {
            this.flags = flags;
            this.expected = expected;
        }
    }

    static Stream<Arguments> clientRequests() {
        List<Arguments> all = new ArrayList<>();
        for (Peer peer : Peer.values()) {
            for (ClientRequest r : ClientRequest.values()) {
                all.add(Arguments.of(peer, r));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} client requests {1}")
    @MethodSource("clientRequests")
    void honoursWhatTheClientRequests(Peer peer, ClientRequest request) throws Exception {
        run(peer, ServerVariant.DEFAULTS.path(), List.of(request.expected), request.flags.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(Peer.class)
    void plainEndpointStaysUncompressed(Peer peer) throws Exception {
        URI url = URI.create("ws://127.0.0.1:" + server.port() + "/plain");
        try (PeerProcess client = start(peer, url, List.of("--deflate", "text-size 1000", "wait 1", "close 1000"))) {
            Map<String, Object> open = client.readJson(EVENT_TIMEOUT);
            assertEquals("open", open.get("event"), open.toString());
            assertEquals("", open.get("extensions"));
            Map<String, Object> m = client.readJson(EVENT_TIMEOUT);
            assertEquals(Payloads.sha256(Payloads.text(1000)), m.get("sha256"));
            assertEquals(0, client.waitForExit(Duration.ofSeconds(30)));
        }
    }

    private static void run(Peer peer, String path, List<String> expectedParams, String... flags) throws Exception {
        URI url = URI.create("ws://127.0.0.1:" + server.port() + path);
        List<String> args = new ArrayList<>(List.of("--deflate", "--timeout-ms", "150000"));
        args.addAll(List.of(flags));
        for (int n : SIZES) {
            args.add("text-size " + n);
            args.add("binary-size " + n);
        }
        args.add("wait " + 2 * SIZES.length);
        args.add("close 1000 done");
        try (PeerProcess client = start(peer, url, args)) {
            Map<String, Object> open = client.readJson(EVENT_TIMEOUT);
            assertEquals("open", open.get("event"), open.toString());
            assertEquals("permessage-deflate", open.get("extensions"), open.toString());
            String negotiated = String.valueOf(open.get("negotiated"));
            assertTrue(negotiated.startsWith("permessage-deflate"), negotiated);
            for (String p : expectedParams) {
                assertTrue(negotiated.contains(p), "expected " + p + " in " + negotiated);
            }
            for (int n : SIZES) {
                assertMessage(client.readJson(EVENT_TIMEOUT), "text", n, Payloads.sha256(Payloads.text(n)));
                assertMessage(client.readJson(EVENT_TIMEOUT), "binary", n, Payloads.sha256(Payloads.binary(n)));
            }
            Map<String, Object> close = client.readJson(EVENT_TIMEOUT);
            assertEquals("close", close.get("event"), close.toString());
            assertEquals(1000, ((Number) close.get("code")).intValue());
            assertEquals(0, client.waitForExit(Duration.ofSeconds(30)));
        }
    }

    private static void assertMessage(Map<String, Object> m, String type, int length, String sha256) {
        assertEquals("message", m.get("event"), m.toString());
        assertEquals(type, m.get("type"));
        assertEquals(length, ((Number) m.get("length")).intValue());
        assertEquals(sha256, m.get("sha256"), type + " of " + length + " bytes");
    }

    private static PeerProcess start(Peer peer, URI url, List<String> args) {
        String[] a = args.toArray(String[]::new);
        return peer == Peer.NODE ? PeerProcess.nodeClient(url, a) : PeerProcess.pythonClient(url, a);
    }
}
