package dev.duplex.app.bench;

import java.nio.ByteBuffer;

/**
 * Follows the frames a server sends without keeping them, only to find its close frame and code: what an
 * attacking connection needs to tell how the server ended it. Data frames of any size are skipped byte count by
 * byte count, so draining megabytes costs no memory. Not thread-safe.
 */
final class CloseFrameScanner {
    /** No close frame yet. */
    static final int NONE = -1;
    /** A close frame without a code (RFC 6455 reports it as 1005). */
    static final int NO_CODE = 1005;
    private static final int OPCODE_CLOSE = 0x8;

    private final byte[] header = new byte[14];
    private int headerFilled;
    private int headerNeeded = 2;
    private long payloadLeft = -1;
    private boolean close;
    private int codeBytes;
    private int code;
    private int result = NONE;

    /** Consumes {@code in}; returns the close code once the close frame's first two payload bytes are in, else {@link #NONE}. */
    int feed(ByteBuffer in) {
        while (result == NONE && in.hasRemaining()) {
            if (payloadLeft < 0) {
                readHeader(in);
            } else if (close) {
                while (payloadLeft > 0 && codeBytes < 2 && in.hasRemaining()) {
                    code = code << 8 | (in.get() & 0xFF);
                    codeBytes++;
                    payloadLeft--;
                }
                if (codeBytes == 2) {
                    result = code;
                } else if (payloadLeft == 0) {
                    result = NO_CODE;
                }
            } else {
                int skip = (int) Math.min(payloadLeft, in.remaining());
                in.position(in.position() + skip);
                payloadLeft -= skip;
                if (payloadLeft == 0) {
                    payloadLeft = -1;
                }
            }
        }
        return result;
    }

    /** The close code found so far, or {@link #NONE}. */
    int result() {
        return result;
    }

    private void readHeader(ByteBuffer in) {
        while (headerFilled < headerNeeded && in.hasRemaining()) {
            header[headerFilled++] = in.get();
            if (headerFilled == 2) {
                int len7 = header[1] & 0x7F;
                boolean masked = (header[1] & 0x80) != 0;
                headerNeeded = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
            }
        }
        if (headerFilled < headerNeeded) {
            return;
        }
        int len7 = header[1] & 0x7F;
        long length = len7 < 126 ? len7 : len7 == 126 ? ((header[2] & 0xFF) << 8 | (header[3] & 0xFF))
                : ByteBuffer.wrap(header, 2, 8).getLong();
        close = (header[0] & 0x0F) == OPCODE_CLOSE;
        payloadLeft = Math.max(0, length);
        headerFilled = 0;
        headerNeeded = 2;
        if (close && payloadLeft < 2) {
            result = NO_CODE;
        } else if (payloadLeft == 0) {
            payloadLeft = -1;
        }
    }
}
