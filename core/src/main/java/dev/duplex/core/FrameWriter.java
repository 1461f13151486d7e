package dev.duplex.core;

import dev.duplex.core.internal.Masking;

import java.nio.ByteBuffer;

/**
 * Encodes frames (RFC 6455 section 5.2) into an {@link OutboundBuffer}: the shortest length form, and for a client
 * a fresh mask per frame applied while copying, so the caller's payload is never touched.
 */
final class FrameWriter {
    static final int FIN = 0x80;
    static final int RSV1 = 0x40;

    private final MaskKeys maskKeys;

    /** @param maskKeys the key source for a client, null for a server (server frames are not masked) */
    FrameWriter(MaskKeys maskKeys) {
        this.maskKeys = maskKeys;
    }

    static int headerSize(long payloadLength, boolean masked) {
        int size = payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
        return masked ? size + 4 : size;
    }

    /**
     * Writes one frame whose payload is {@code payload}'s remaining bytes; {@code payload}'s position is left as
     * it was. {@code firstByte} holds FIN, the RSV bits and the opcode.
     */
    void write(OutboundBuffer out, int firstByte, ByteBuffer payload) {
        int length = payload.remaining();
        boolean masked = maskKeys != null;
        ByteBuffer dst = out.claim(headerSize(length, masked) + length);
        putHeader(dst, firstByte, length, masked);
        int start = payload.position();
        if (masked) {
            int key = maskKeys.next();
            dst.putInt(key);
            Masking.mask(payload, dst, key);
        } else {
            dst.put(payload);
        }
        payload.position(start);
    }

    /** Writes a frame whose payload the caller puts next, {@code length} bytes exactly, unmasked (server only). */
    ByteBuffer writeHeaderForPayload(OutboundBuffer out, int firstByte, int length) {
        ByteBuffer dst = out.claim(headerSize(length, false) + length);
        putHeader(dst, firstByte, length, false);
        return dst;
    }

    boolean masks() {
        return maskKeys != null;
    }

    static void putHeader(ByteBuffer dst, int firstByte, long length, boolean masked) {
        dst.put((byte) firstByte);
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            dst.put((byte) (maskBit | length));
        } else if (length <= 0xFFFF) {
            dst.put((byte) (maskBit | 126));
            dst.putShort((short) length);
        } else {
            dst.put((byte) (maskBit | 127));
            dst.putLong(length);
        }
    }
}
