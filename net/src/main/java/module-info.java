/**
 * duplex-net: the non-blocking WebSocket server ({@link dev.duplex.net.WebSocketServer}) and client ({@link
 * dev.duplex.net.WebSocket}) on java.nio, plain TCP and TLS. Depends on duplex-core only; logs through {@link
 * System.Logger}.
 */
module dev.duplex.net {
    requires transitive dev.duplex.core;

    exports dev.duplex.net;
}
