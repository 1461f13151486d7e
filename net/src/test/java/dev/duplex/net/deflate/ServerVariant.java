package dev.duplex.net.deflate;

import dev.duplex.core.deflate.PerMessageDeflate;
import dev.duplex.net.EndpointOptions;
import dev.duplex.net.WebSocketServer;

import java.util.List;

/**
 * The permessage-deflate settings the interop tests configure on our server, one endpoint each, with the
 * parameters a peer must then report as negotiated.
 */
enum ServerVariant {
    DEFAULTS(PerMessageDeflate.builder()),
    SERVER_NO_CONTEXT_TAKEOVER(PerMessageDeflate.builder().serverNoContextTakeover(true),
            "server_no_context_takeover"),
    CLIENT_NO_CONTEXT_TAKEOVER(PerMessageDeflate.builder().clientNoContextTakeover(true),
            "client_no_context_takeover"),
    SERVER_MAX_WINDOW_BITS_10(PerMessageDeflate.builder().serverMaxWindowBits(10), "server_max_window_bits=10"),
    CLIENT_MAX_WINDOW_BITS_10(PerMessageDeflate.builder().clientMaxWindowBits(10), "client_max_window_bits=10"),
    ALL_FOUR_RELEASE_WHEN_IDLE(PerMessageDeflate.builder().serverNoContextTakeover(true)
            .clientNoContextTakeover(true).serverMaxWindowBits(10).clientMaxWindowBits(10)
            .memoryPolicy(PerMessageDeflate.MemoryPolicy.RELEASE_WHEN_IDLE),
            "server_no_context_takeover", "client_no_context_takeover", "server_max_window_bits=10",
            "client_max_window_bits=10");

    final PerMessageDeflate deflate;
    final List<String> expected;

    ServerVariant(PerMessageDeflate.Builder builder, String... expected) {
        // threshold 0: every message is compressed, so the small ones exercise the codec too
        this.deflate = builder.compressionThreshold(0).build();
        this.expected = List.of(expected);
    }

    String path() {
        return "/" + name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Our server on 127.0.0.1, port 0, with one compressed echo endpoint per variant and /plain uncompressed. */
    static WebSocketServer start(WebSocketServer.Builder builder) throws Exception {
        builder.host("127.0.0.1").port(0).eventLoops(2).endpoint("/plain", new EchoEndpoint());
        for (ServerVariant v : values()) {
            builder.endpoint(v.path(), new EchoEndpoint(), EndpointOptions.builder().compression(v.deflate).build());
        }
        return builder.build().start();
    }
}
