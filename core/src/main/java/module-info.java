/**
 * duplex-core: RFC 6455 (and RFC 7692 permessage-deflate) as a protocol engine without I/O. No dependencies.
 *
 * <p>API: {@code dev.duplex.core} (the engine, its configuration, close codes), {@code dev.duplex.core.handshake}
 * (opening handshake parsers and writers), {@code dev.duplex.core.extension} (extension negotiation) and {@code
 * dev.duplex.core.deflate} (permessage-deflate). {@code dev.duplex.core.internal} is not API; only duplex-net may
 * use it.
 */
module dev.duplex.core {
    exports dev.duplex.core;
    exports dev.duplex.core.deflate;
    exports dev.duplex.core.extension;
    exports dev.duplex.core.handshake;
    // The client encodes text exactly as the engine does (Utf8Encoder).
    exports dev.duplex.core.internal to dev.duplex.net;
}
