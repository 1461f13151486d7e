package dev.duplex.app.bench;

import java.nio.ByteBuffer;

/**
 * The first {@value #LENGTH} bytes of every fanout message, in ASCII hex so the message is valid text too:
 * 16 digits of the publisher's {@link System#nanoTime()} at sending, 4 digits of the publisher's number
 * ({@code ffff} marks a join probe), 12 digits of the message's sequence number from that publisher.
 */
final class FanoutStamp {
    static final int LENGTH = 32;
    static final int PROBE = 0xFFFF;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private FanoutStamp() {
    }

    /** Writes the stamp, masked with {@link MaskedFrames#KEY}, over the payload starting at absolute {@code at}. */
    static void writeMasked(ByteBuffer frames, int at, long nanoTime, int publisher, long sequence) {
        putHex(frames, at, 0, nanoTime, 16);
        putHex(frames, at, 16, publisher, 4);
        putHex(frames, at, 20, sequence, 12);
    }

    private static void putHex(ByteBuffer frames, int payloadStart, int offset, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            int index = offset + i;
            frames.put(payloadStart + index, MaskedFrames.masked(HEX[(int) (value & 0xF)], index));
            value >>>= 4;
        }
    }

    /** The send time in a received (unmasked) payload starting at {@code data}'s position. */
    static long nanoTime(ByteBuffer data) {
        return hex(data, 0, 16);
    }

    static int publisher(ByteBuffer data) {
        return (int) hex(data, 16, 4);
    }

    static long sequence(ByteBuffer data) {
        return hex(data, 20, 12);
    }

    /**
     * @throws IllegalArgumentException if the bytes are not lower-case hex digits (not a message from this tool)
     */
    private static long hex(ByteBuffer data, int offset, int digits) {
        long value = 0;
        int at = data.position() + offset;
        for (int i = 0; i < digits; i++) {
            int c = data.get(at + i);
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) {
                throw new IllegalArgumentException("not a duplex bench fanout message");
            }
            value = value << 4 | d;
        }
        return value;
    }
}
