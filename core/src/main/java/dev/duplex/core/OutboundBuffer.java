package dev.duplex.core;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The bytes an engine has produced and the transport has not written yet, in order: a queue of chunks from a
 * {@link BufferPool}, plus chunks shared with other connections for broadcast.
 *
 * <p>Write it out with {@link #gather(ByteBuffer[])}, a gathering write of those buffers, then {@link #reclaim()}.
 * {@link #size()} is the browser's {@code bufferedAmount}: the transport decides on a high-water mark; this class
 * never refuses bytes (the engine's callers bound what they queue).
 *
 * <p>Not thread-safe: owned by the thread that drives its engine. After {@link #release()} nothing more may be
 * queued: the engine's send methods then throw {@link IllegalStateException}.
 */
public final class OutboundBuffer {
    private final BufferPool pool;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>(4); // grows on demand; idle connections stay small
    private long size;
    private boolean released;

    public OutboundBuffer(BufferPool pool) {
        this.pool = pool;
    }

    /** Bytes queued and not yet written. */
    public long size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Fills {@code dst} from index 0 with the readable buffers in order, as many as fit, and returns how many.
     * Writing them advances their positions; call {@link #reclaim()} afterwards.
     */
    public int gather(ByteBuffer[] dst) {
        int n = 0;
        for (Iterator<Chunk> it = chunks.iterator(); it.hasNext() && n < dst.length; ) {
            Chunk c = it.next();
            c.publish();
            if (c.reader.hasRemaining()) {
                dst[n++] = c.reader;
            }
        }
        return n;
    }

    /** Drops the bytes that have been written since {@link #gather} and returns drained chunks to the pool. */
    public void reclaim() {
        long pending = 0;
        for (Iterator<Chunk> it = chunks.iterator(); it.hasNext(); ) {
            Chunk c = it.next();
            if (c.drained()) {
                it.remove();
                if (!c.shared) {
                    pool.release(c);
                }
            } else {
                pending += c.reader.remaining() + (c.writer == null ? 0 : c.writer.position() - c.reader.limit());
            }
        }
        size = pending;
    }

    /** Copies up to {@code dst.remaining()} queued bytes into {@code dst}, consuming them; returns the count. */
    public int drainTo(ByteBuffer dst) {
        int copied = 0;
        for (Chunk c : chunks) {
            if (!dst.hasRemaining()) {
                break;
            }
            c.publish();
            int n = Math.min(c.reader.remaining(), dst.remaining());
            ByteBuffer src = c.reader;
            int limit = src.limit();
            src.limit(src.position() + n);
            dst.put(src);
            src.limit(limit);
            copied += n;
        }
        reclaim();
        return copied;
    }

    /** Removes and returns every queued byte; meant for tests and small tools. */
    public byte[] drain() {
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(size));
        drainTo(all);
        return all.array();
    }

    /** Returns every chunk to the pool and forgets the queued bytes: the connection is gone. */
    public void release() {
        for (Chunk c : chunks) {
            if (!c.shared) {
                pool.release(c);
            }
        }
        chunks.clear();
        size = 0;
        released = true;
    }

    /**
     * Drops every queued frame the transport has not started writing, keeping the one partly written (so the
     * stream stays a valid sequence of frames and a close frame queued next reaches the peer at once). Frames
     * never span chunks: each is claimed whole in one chunk from its offset 0 on, or is a whole shared chunk.
     *
     * @return the bytes dropped
     */
    public long discardUnstarted() {
        long before = size;
        Chunk head = chunks.peekFirst();
        if (head == null) {
            return 0;
        }
        head.publish();
        int written = head.reader.position();
        boolean keepHead = written > 0 && head.reader.hasRemaining();
        int keepEnd = 0;
        if (keepHead && !head.shared) {
            keepEnd = frameEndAfter(head.writer, written);
        }
        while (chunks.size() > (keepHead ? 1 : 0)) {
            Chunk c = chunks.pollLast();
            if (!c.shared) {
                pool.release(c);
            }
        }
        if (keepHead && !head.shared) {
            head.writer.position(keepEnd);
            head.reader.limit(keepEnd);
        }
        reclaim();
        return before - size;
    }

    /** The end of the frame that contains offset {@code at} of a chunk whose frames start at offset 0. */
    private static int frameEndAfter(ByteBuffer chunk, int at) {
        int frame = 0;
        while (true) {
            int b1 = chunk.get(frame + 1) & 0xFF;
            int len7 = b1 & 0x7F;
            int header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
            long payload = len7 == 126 ? chunk.getShort(frame + 2) & 0xFFFF
                    : len7 == 127 ? chunk.getLong(frame + 2) : len7;
            int end = Math.toIntExact(frame + header + payload);
            if (end > at) {
                return end;
            }
            frame = end;
        }
    }

    /** A buffer with at least {@code n} bytes remaining at the end of the queue; the caller writes exactly n. */
    ByteBuffer claim(int n) {
        checkNotReleased();
        Chunk tail = chunks.peekLast();
        if (tail == null || !tail.writable(n)) {
            tail = pool.acquire(n);
            chunks.addLast(tail);
        }
        size += n;
        return tail.writer;
    }

    private void checkNotReleased() {
        if (released) {
            throw new IllegalStateException("the outbound buffer was released: its connection is gone");
        }
    }

    /** Queues ready frame bytes that other connections may share; they are never modified. */
    void appendShared(ByteBuffer frameBytes) {
        checkNotReleased();
        chunks.addLast(Chunk.shared(frameBytes));
        size += frameBytes.remaining();
    }
}
