package dev.duplex.core;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Recycles the fixed-size chunks that {@link OutboundBuffer}s write frames into, so that a connection sending
 * small messages allocates nothing in steady state and an idle connection holds no chunk at all.
 *
 * <p>Not thread-safe: give each event loop (or each thread that drives engines) its own pool. At most
 * {@code maxPooled} free chunks are kept; more are left to the garbage collector.
 */
public final class BufferPool {
    private final int chunkSize;
    private final int maxPooled;
    private final boolean direct;
    private final ArrayDeque<Chunk> free = new ArrayDeque<>();

    /**
     * @param chunkSize bytes per chunk; frames larger than this get a chunk of their own, sized to fit
     * @param maxPooled how many free chunks to keep at most
     * @param direct    whether chunks are direct buffers (cheaper socket writes, costlier to create)
     */
    public BufferPool(int chunkSize, int maxPooled, boolean direct) {
        if (chunkSize < 256) {
            throw new IllegalArgumentException("chunkSize must be at least 256, was " + chunkSize);
        }
        if (maxPooled < 0) {
            throw new IllegalArgumentException("maxPooled must not be negative, was " + maxPooled);
        }
        this.chunkSize = chunkSize;
        this.maxPooled = maxPooled;
        this.direct = direct;
    }

    /** A pool of 16 KiB heap chunks keeping up to 64 free. */
    public static BufferPool heap() {
        return new BufferPool(16 * 1024, 64, false);
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Free chunks held now. */
    public int pooled() {
        return free.size();
    }

    Chunk acquire(int minSize) {
        if (minSize > chunkSize) {
            return new Chunk(ByteBuffer.allocate(minSize), false);
        }
        Chunk chunk = free.pollFirst();
        if (chunk == null) {
            chunk = new Chunk(direct ? ByteBuffer.allocateDirect(chunkSize) : ByteBuffer.allocate(chunkSize), true);
        }
        return chunk;
    }

    void release(Chunk chunk) {
        if (chunk.pooled && free.size() < maxPooled) {
            chunk.reset();
            free.addFirst(chunk);
        }
    }
}
