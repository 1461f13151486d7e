package dev.duplex.core.extension;

import dev.duplex.core.ProtocolException;

import java.nio.ByteBuffer;

/**
 * A negotiated per-message extension on one connection (RFC 6455 section 9, e.g. permessage-deflate of
 * RFC 7692): it claims RSV bits and transforms the payload of the messages it marks with them.
 *
 * <p>Created by the extension's negotiation when the handshake succeeds and driven by exactly one engine, on the
 * engine's thread; not thread-safe. The engine calls {@link #release()} when the connection ends.
 *
 * <p>Inbound, the engine routes the frames of every message whose first frame carries {@link #rsvBits()} through
 * {@link #decode}; continuation frames and control frames carrying RSV bits are protocol errors.
 * Outbound, the engine asks {@link #shouldEncode} once per message and, when true, passes every fragment through
 * {@link #encode} and sets the RSV bits on the first frame only.
 */
public interface Extension {

    /** The registered extension name, e.g. {@code permessage-deflate}. */
    String name();

    /** The RSV bits this extension uses, as they sit in the first header byte: 0x40 for RSV1. */
    int rsvBits();

    /** Whether to transform an outgoing message; {@code length} is -1 when sent as a stream of fragments. */
    boolean shouldEncode(boolean text, long length);

    /**
     * Transforms one outgoing fragment ({@code fin} true for the last) and returns the bytes to send. The returned
     * buffer may be reused by the extension after the engine has copied it out.
     */
    ByteBuffer encode(ByteBuffer payload, boolean fin);

    /**
     * Transforms one incoming frame payload of a marked message ({@code fin} true for the last frame) and passes
     * the result on in one or more pieces.
     *
     * @throws ProtocolException with 1007 for undecodable data, or whatever {@code out} throws (1009 for a message
     *                           over the size limit: an extension must stop producing output when that happens)
     */
    void decode(ByteBuffer payload, boolean fin, PayloadSink out);

    /** Frees whatever the extension holds (native compressor state). Called once; idempotent. */
    void release();

    /** Where {@link #decode} delivers transformed bytes; valid only during the call. */
    @FunctionalInterface
    interface PayloadSink {
        void accept(ByteBuffer piece);
    }
}
