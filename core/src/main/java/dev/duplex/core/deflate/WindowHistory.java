package dev.duplex.core.deflate;

import java.nio.ByteBuffer;

/**
 * The most recent bytes given to a compressor, up to one LZ77 window, kept in a ring so that a window-limited
 * compressor can restart with them as its dictionary. Not thread-safe.
 */
final class WindowHistory {
    private final byte[] ring;
    private int end;
    private int size;

    WindowHistory(int capacity) {
        this.ring = new byte[capacity];
    }

    int size() {
        return size;
    }

    /** Appends {@code length} bytes of {@code src} starting at absolute index {@code from}; src is not moved. */
    void append(ByteBuffer src, int from, int length) {
        int skip = Math.max(0, length - ring.length);
        int pos = from + skip;
        int remaining = length - skip;
        while (remaining > 0) {
            int n = Math.min(remaining, ring.length - end);
            src.get(pos, ring, end, n);
            pos += n;
            remaining -= n;
            end = (end + n) % ring.length;
        }
        size = Math.min(ring.length, size + length);
    }

    /** The most recent {@code n} bytes ({@code n <= size()}), oldest first, in a new array. */
    byte[] last(int n) {
        byte[] out = new byte[n];
        int start = Math.floorMod(end - n, ring.length);
        int first = Math.min(n, ring.length - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, n - first);
        return out;
    }

    void clear() {
        end = 0;
        size = 0;
    }
}
