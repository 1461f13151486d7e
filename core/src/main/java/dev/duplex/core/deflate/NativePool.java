package dev.duplex.core.deflate;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Where connections that drop their compression state between messages get a raw (nowrap) {@link Deflater} or
 * {@link Inflater} for the next message and put it back afterwards. Keeps at most {@code capacity} idle objects of
 * each kind, so idle memory is bounded by the pool, not by the number of connections; beyond that, objects are
 * ended and new ones created on demand. Shared by every connection of one {@link PerMessageDeflate}; thread-safe.
 * Pooled objects are freed by their cleaner when the factory becomes unreachable.
 */
final class NativePool {
    private final int level;
    private final int capacity;
    private final ConcurrentLinkedQueue<Deflater> deflaters = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Inflater> inflaters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleDeflaters = new AtomicInteger();
    private final AtomicInteger idleInflaters = new AtomicInteger();

    NativePool(int level, int capacity) {
        this.level = level;
        this.capacity = capacity;
    }

    Deflater takeDeflater() {
        Deflater d = deflaters.poll();
        if (d == null) {
            return new Deflater(level, true);
        }
        idleDeflaters.decrementAndGet();
        return d;
    }

    void giveDeflater(Deflater d) {
        if (idleDeflaters.incrementAndGet() <= capacity) {
            d.reset();
            deflaters.offer(d);
        } else {
            idleDeflaters.decrementAndGet();
            d.end();
        }
    }

    Inflater takeInflater() {
        Inflater i = inflaters.poll();
        if (i == null) {
            return new Inflater(true);
        }
        idleInflaters.decrementAndGet();
        return i;
    }

    void giveInflater(Inflater i) {
        if (idleInflaters.incrementAndGet() <= capacity) {
            i.reset();
            inflaters.offer(i);
        } else {
            idleInflaters.decrementAndGet();
            i.end();
        }
    }

    /** Idle objects held, deflaters plus inflaters (for tests). */
    int idle() {
        return idleDeflaters.get() + idleInflaters.get();
    }
}
