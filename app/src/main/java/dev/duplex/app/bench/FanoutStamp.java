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
        writeMasked(frames, at, 0, nanoTime, publisher, sequence);
    }

    /**
     * Writes the stamp, masked, at byte {@code offset} of the payload that starts at absolute {@code payloadStart}
     * (the mask depends on the offset in the payload).
     */
    static void writeMasked(ByteBuffer frames, int payloadStart, int offset, long nanoTime, int publisher,
                            long sequence) {
        putHex(frames, payloadStart, offset, nanoTime, 16);
        putHex(frames, payloadStart, offset + 16, publisher, 4);
        putHex(frames, payloadStart, offset + 20, sequence, 12);
    }

    /** Writes {@code value} as {@code digits} lower-case hex digits, masked, at {@code offset} of the payload. */
    static void putHex(ByteBuffer frames, int payloadStart, int offset, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            int index = offset + i;
            frames.put(payloadStart + index, MaskedFrames.masked(HEX[(int) (value & 0xF)], index));
            value >>>= 4;
        }
    }

    /** The send time in a received (unmasked) payload starting at {@code data}'s position. */
    static long nanoTime(ByteBuffer data) {
        return nanoTime(data, data.position());
    }

    static int publisher(ByteBuffer data) {
        return publisher(data, data.position());
    }

    static long sequence(ByteBuffer data) {
        return sequence(data, data.position());
    }

    /** The send time in a stamp starting at absolute index {@code at}. */
    static long nanoTime(ByteBuffer data, int at) {
        return hex(data, at, 16);
    }

    static int publisher(ByteBuffer data, int at) {
        return (int) hex(data, at + 16, 4);
    }

    static long sequence(ByteBuffer data, int at) {
        return hex(data, at + 20, 12);
    }

    /**
     * {@code digits} hex digits from absolute index {@code at}.
     *
     * @throws IllegalArgumentException if the bytes are not lower-case hex digits (not a message from this tool)
     */
    static long hex(ByteBuffer data, int at, int digits) {
        if (at < 0 || at + digits > data.limit()) {
            throw new IllegalArgumentException("not a duplex bench fanout message");
        }
        long value = 0;
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
