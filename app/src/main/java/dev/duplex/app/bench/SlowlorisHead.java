package dev.duplex.app.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The request head a slowloris connection trickles: a real upgrade request without its final empty line, then
 * header lines {@code X-Slowloris-1: x}, {@code X-Slowloris-2: x}, ... without end, so the head is never complete
 * and the connection is never idle. Handed out {@link #STEP} bytes at a time. Not thread-safe.
 */
final class SlowlorisHead {
    /** Bytes written per step. */
    static final int STEP = 4;

    private final ByteBuffer step = ByteBuffer.allocate(STEP);
    private byte[] current;
    private int position;
    private long line;

    /** @param request a complete request head ending in an empty line ({@code \r\n\r\n}) */
    SlowlorisHead(byte[] request) {
        int end = request.length;
        if (end < 4 || request[end - 1] != '\n' || request[end - 2] != '\r' || request[end - 3] != '\n') {
            throw new IllegalArgumentException("not a request head ending in an empty line");
        }
        this.current = Arrays.copyOf(request, end - 2);
    }

    /** The next {@link #STEP} bytes, positioned for writing; valid until the next call. */
    ByteBuffer next() {
        step.clear();
        while (step.hasRemaining()) {
            if (position == current.length) {
                current = ("X-Slowloris-" + ++line + ": x\r\n").getBytes(StandardCharsets.US_ASCII);
                position = 0;
            }
            int n = Math.min(step.remaining(), current.length - position);
            step.put(current, position, n);
            position += n;
        }
        return step.flip();
    }
}
