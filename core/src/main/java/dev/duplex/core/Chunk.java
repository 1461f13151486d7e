package dev.duplex.core;

import java.nio.ByteBuffer;

/**
 * One piece of an {@link OutboundBuffer}: frames are written at {@code writer}'s position and read out through
 * {@code reader}, a view of the same memory whose limit trails the writer.
 */
final class Chunk {
    final ByteBuffer writer;
    final ByteBuffer reader;
    final boolean pooled;
    final boolean shared;

    Chunk(ByteBuffer memory, boolean pooled) {
        this.writer = memory;
        this.reader = memory.duplicate();
        this.reader.limit(0);
        this.pooled = pooled;
        this.shared = false;
    }

    /** A chunk over bytes shared with other connections: read-only, never written, never pooled. */
    private Chunk(ByteBuffer sharedBytes) {
        this.writer = null;
        this.reader = sharedBytes;
        this.pooled = false;
        this.shared = true;
    }

    static Chunk shared(ByteBuffer frameBytes) {
        return new Chunk(frameBytes.asReadOnlyBuffer());
    }

    boolean writable(int size) {
        return writer != null && writer.remaining() >= size;
    }

    /** Makes everything written so far readable. */
    void publish() {
        if (writer != null) {
            reader.limit(writer.position());
        }
    }

    boolean drained() {
        return !reader.hasRemaining() && (writer == null || reader.position() == writer.position());
    }

    void reset() {
        writer.clear();
        reader.clear().limit(0);
    }
}
