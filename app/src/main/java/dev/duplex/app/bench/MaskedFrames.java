package dev.duplex.app.bench;

import dev.duplex.core.internal.Masking;

import java.nio.ByteBuffer;

/**
 * Client frames (RFC 6455 section 5.2) encoded ahead of time so that sending a message is a plain socket write.
 *
 * <p>Every frame is masked, as the RFC requires of clients, but always with the same key, {@link #KEY}: the key
 * exists to stop a hostile page from steering bytes through a proxy cache, which does not apply to a benchmark tool
 * talking to a server its user runs, and a fixed key is what lets identical messages be encoded once and written
 * again and again. Servers cannot tell the difference: they unmask every frame with the key it carries.
 */
final class MaskedFrames {
    /** The one masking key every frame of a run carries (wire bytes 0x5b 0x1e 0xa7 0x39). */
    static final int KEY = 0x5b1e_a739;

    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_BINARY = 0x2;
    private static final int FIN = 0x80;

    private MaskedFrames() {
    }

    /** Bytes of one whole masked frame with a payload of {@code payloadLength} bytes. */
    static int frameLength(int payloadLength) {
        return headerLength(payloadLength) + payloadLength;
    }

    /** Bytes before the payload: 2, 4 or 10 for the length forms, plus 4 for the key. */
    static int headerLength(int payloadLength) {
        return (payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10) + 4;
    }

    /**
     * A direct buffer holding {@code copies} identical final frames of {@code payload}, one after the other, ready
     * to be written (position 0, limit at the end). Share it read-only through {@link ByteBuffer#duplicate()}.
     */
    static ByteBuffer repeated(boolean text, byte[] payload, int copies) {
        ByteBuffer frames = ByteBuffer.allocateDirect(frameLength(payload.length) * copies);
        for (int i = 0; i < copies; i++) {
            put(frames, text, payload);
        }
        return frames.flip();
    }

    /** Appends one final, masked frame carrying {@code payload} at {@code dst}'s position. */
    static void put(ByteBuffer dst, boolean text, byte[] payload) {
        int length = payload.length;
        dst.put((byte) (FIN | (text ? OPCODE_TEXT : OPCODE_BINARY)));
        if (length < 126) {
            dst.put((byte) (0x80 | length));
        } else if (length <= 0xFFFF) {
            dst.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            dst.put((byte) (0x80 | 127)).putLong(length);
        }
        dst.putInt(KEY);
        Masking.mask(ByteBuffer.wrap(payload), dst, KEY);
    }

    /** Byte {@code index} of a payload masked with {@link #KEY}: the plain byte XOR the key byte for that index. */
    static byte masked(byte plain, int index) {
        return (byte) (plain ^ (KEY >>> (24 - ((index & 3) << 3))));
    }

    /**
     * A printable ASCII payload of {@code size} bytes (valid as text and as binary); its first
     * {@code reserved} bytes are left as '0' for a stamp.
     */
    static byte[] filler(int size, int reserved) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = i < reserved ? (byte) '0' : (byte) ('a' + i % 26);
        }
        return payload;
    }
}
