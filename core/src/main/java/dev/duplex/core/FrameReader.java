package dev.duplex.core;

import java.nio.ByteBuffer;

/**
 * Splits incoming bytes into frames (RFC 6455 section 5.2), whatever the chunking: it parses headers
 * incrementally, enforces every rule that a header alone can break, and hands payload pieces to its
 * {@link Listener} unmasked in place as soon as they arrive. It never holds more than one header (14 bytes).
 */
final class FrameReader {

    /** Receives frames from {@link #read}; returning false from a payload call stops reading. */
    interface Listener {
        void onFrameStart(int opcode, boolean fin, int rsv, long length);

        /**
         * Payload bytes {@code [pos, pos + len)} of {@code in}, already unmasked; {@code frameEnd} marks the last
         * piece of the frame (an empty frame gives one empty piece). Must leave {@code in}'s position and limit as
         * they were.
         */
        boolean onPayload(ByteBuffer in, int pos, int len, boolean frameEnd);
    }

    private static final int MAX_HEADER = 14;

    private final boolean expectMasked;
    private final long maxFrameSize;
    private final int allowedRsv;
    private final byte[] header = new byte[MAX_HEADER];
    private int headerLength;
    private boolean inPayload;
    private int opcode;
    private boolean masked;
    private int maskKey;
    private long payloadLength;
    private long payloadRead;

    /**
     * @param role         our role: a server expects masked frames, a client unmasked ones
     * @param maxFrameSize larger payloads fail with 1009
     * @param allowedRsv   the RSV bits negotiated extensions may set on the first frame of a data message
     */
    FrameReader(Role role, long maxFrameSize, int allowedRsv) {
        this.expectMasked = role == Role.SERVER;
        this.maxFrameSize = maxFrameSize;
        this.allowedRsv = allowedRsv;
    }

    /** True when a header or a payload has been partly read. */
    boolean isMidFrame() {
        return headerLength > 0 || inPayload;
    }

    /** Consumes {@code in} up to its limit, or until the listener asks to stop. */
    void read(ByteBuffer in, Listener listener) {
        while (in.hasRemaining()) {
            if (!inPayload) {
                if (!readHeader(in)) {
                    return;
                }
                listener.onFrameStart(opcode, (header[0] & 0x80) != 0, header[0] & 0x70, payloadLength);
                if (payloadLength == 0) {
                    inPayload = false;
                    if (!listener.onPayload(in, in.position(), 0, true)) {
                        return;
                    }
                    continue;
                }
            }
            int pos = in.position();
            int len = (int) Math.min(payloadLength - payloadRead, in.remaining());
            if (masked) {
                Masking.unmask(in, pos, len, maskKey, payloadRead);
            }
            payloadRead += len;
            boolean frameEnd = payloadRead == payloadLength;
            if (frameEnd) {
                inPayload = false;
            }
            boolean more = listener.onPayload(in, pos, len, frameEnd);
            in.position(pos + len);
            if (!more) {
                return;
            }
        }
    }

    /** Accumulates header bytes; returns true once a complete, valid header has been read. */
    private boolean readHeader(ByteBuffer in) {
        while (headerLength < 2) {
            if (!in.hasRemaining()) {
                return false;
            }
            header[headerLength++] = in.get();
            if (headerLength == 2) {
                checkFirstTwoBytes();
            }
        }
        int needed = 2 + lengthFieldSize() + (masked ? 4 : 0);
        while (headerLength < needed) {
            if (!in.hasRemaining()) {
                return false;
            }
            header[headerLength++] = in.get();
        }
        decodeLengthAndMask();
        headerLength = 0;
        inPayload = true;
        payloadRead = 0;
        return true;
    }

    private void checkFirstTwoBytes() {
        int b0 = header[0] & 0xFF;
        int b1 = header[1] & 0xFF;
        opcode = b0 & 0x0F;
        boolean fin = (b0 & 0x80) != 0;
        int rsv = b0 & 0x70;
        masked = (b1 & 0x80) != 0;
        int length7 = b1 & 0x7F;
        if (!Opcode.isKnown(opcode)) {
            throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "frame with " + Opcode.name(opcode));
        }
        if (rsv != 0) {
            if ((rsv & ~allowedRsv) != 0) {
                throw new ProtocolException(CloseCodes.PROTOCOL_ERROR,
                        "RSV bits 0x" + Integer.toHexString(rsv) + " set but no negotiated extension uses them");
            }
            if (Opcode.isControl(opcode) || opcode == Opcode.CONTINUATION) {
                throw new ProtocolException(CloseCodes.PROTOCOL_ERROR,
                        "RSV bits set on a " + Opcode.name(opcode) + " frame");
            }
        }
        if (Opcode.isControl(opcode)) {
            if (!fin) {
                throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "fragmented " + Opcode.name(opcode) + " frame");
            }
            if (length7 > 125) {
                throw new ProtocolException(CloseCodes.PROTOCOL_ERROR,
                        Opcode.name(opcode) + " frame payload over 125 bytes");
            }
        }
        if (masked != expectMasked) {
            throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, expectMasked
                    ? "unmasked frame from a client (clients must mask every frame)"
                    : "masked frame from a server (servers must not mask)");
        }
    }

    private int lengthFieldSize() {
        int length7 = header[1] & 0x7F;
        return length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    }

    private void decodeLengthAndMask() {
        int length7 = header[1] & 0x7F;
        int at = 2;
        long length;
        if (length7 == 126) {
            length = (header[2] & 0xFF) << 8 | header[3] & 0xFF;
            at = 4;
        } else if (length7 == 127) {
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = length << 8 | header[i] & 0xFF;
            }
            if (length < 0) {
                throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "64-bit frame length with the top bit set");
            }
            at = 10;
        } else {
            length = length7;
        }
        if (length > maxFrameSize) {
            throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG,
                    "frame of " + length + " bytes is over the limit of " + maxFrameSize);
        }
        payloadLength = length;
        if (masked) {
            maskKey = (header[at] & 0xFF) << 24 | (header[at + 1] & 0xFF) << 16
                    | (header[at + 2] & 0xFF) << 8 | header[at + 3] & 0xFF;
        }
    }
}
