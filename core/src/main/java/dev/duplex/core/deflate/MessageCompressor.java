package dev.duplex.core.deflate;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * Compresses outgoing messages for permessage-deflate (RFC 7692 section 7.2.1): raw DEFLATE, each fragment ended
 * with a sync flush, and the final {@code 00 00 ff ff} of the message removed.
 *
 * <p><b>Window bits below 15.</b> {@link Deflater} always uses a 32 KiB window and has no setting to shrink it.
 * Only the distance of back-references matters to the peer, so the limit is enforced by never letting the
 * deflater <i>see</i> more than {@code 2^bits} bytes: input is fed in pieces, and before the bytes visible to the
 * deflater (its dictionary plus the input since its last reset) would exceed {@code 2^bits}, it is sync-flushed,
 * reset, and given the last {@code 2^bits / 2} bytes of input as a preset dictionary. No match can then reach
 * further back than {@code 2^bits} bytes. Sync-flushed raw DEFLATE segments concatenate into one valid stream,
 * so the peer sees an ordinary stream. The cost: an empty stored block (5 bytes) and a dictionary load every
 * {@code 2^bits / 2} input bytes, and a heap copy of the last window of input. With 15 bits nothing of this is
 * done. This works for 8 bits too (which zlib itself cannot produce for raw DEFLATE).
 *
 * <p><b>State.</b> With context takeover the deflater and history carry over between messages; without it both
 * are reset at the end of each message, and with a {@link NativePool} the deflater is handed back to the pool
 * so that an idle connection holds no native memory.
 *
 * <p>Not thread-safe: one engine's thread. The buffer returned by {@link #compress} is reused by the next call.
 */
final class MessageCompressor {
    private static final int INITIAL_OUTPUT = 1024;
    private static final int RETAINED_OUTPUT = 64 * 1024;
    private static final int MIN_SPACE = 64;

    private final int level;
    private final int window;
    private final boolean limitWindow;
    private final boolean noContextTakeover;
    private final NativePool pool;

    private Deflater deflater;
    private WindowHistory history;
    /** Bytes the deflater can currently refer back to: its dictionary plus its input since the last reset. */
    private int visible;
    /** Input was given to the deflater since its last sync flush. */
    private boolean unflushed;
    private byte[] out;
    private int outLength;
    private boolean released;

    /**
     * @param pool when not null and without context takeover, the deflater is taken from and returned to it for
     *             every message
     */
    MessageCompressor(int level, int windowBits, boolean noContextTakeover, NativePool pool) {
        this.level = level;
        this.window = 1 << windowBits;
        this.limitWindow = windowBits < DeflateParameters.MAX_WINDOW_BITS;
        this.noContextTakeover = noContextTakeover;
        this.pool = noContextTakeover ? pool : null;
    }

    /**
     * Compresses one fragment ({@code payload}'s remaining bytes, consumed) and returns the compressed bytes, valid
     * until the next call. Every fragment is sync-flushed so the peer can decode it at once; {@code fin} ends the
     * message and strips the trailing empty stored block.
     */
    ByteBuffer compress(ByteBuffer payload, boolean fin) {
        if (released) {
            throw new IllegalStateException("permessage-deflate was released: the connection has ended");
        }
        if (deflater == null) {
            deflater = pool != null ? pool.takeDeflater() : new Deflater(level, true);
        }
        if (limitWindow && history == null) {
            history = new WindowHistory(window);
        }
        if (out == null) {
            out = new byte[INITIAL_OUTPUT];
        }
        outLength = 0;
        if (limitWindow) {
            feedLimited(payload);
        } else {
            deflater.setInput(payload);
            deflate(Deflater.NO_FLUSH);
        }
        deflate(Deflater.SYNC_FLUSH);
        if (!fin) {
            return ByteBuffer.wrap(out, 0, outLength);
        }
        if (outLength == 0) {
            // Nothing new since the previous fragment's flush (an empty last fragment, or an empty message with
            // context takeover): zlib emits nothing. Send the first byte of an empty stored block, which the
            // peer completes with the 00 00 ff ff it appends (RFC 7692 section 7.2.3.6).
            out[0] = 0;
            ByteBuffer result = ByteBuffer.wrap(out, 0, 1);
            endMessage();
            return result;
        }
        // A sync flush ends in the empty stored block 00 00 ff ff, which RFC 7692 section 7.2.1 says to remove.
        if (outLength < 4 || out[outLength - 4] != 0 || out[outLength - 3] != 0
                || out[outLength - 2] != (byte) 0xff || out[outLength - 1] != (byte) 0xff) {
            throw new IllegalStateException("sync flush did not end in an empty stored block");
        }
        ByteBuffer result = ByteBuffer.wrap(out, 0, outLength - 4);
        endMessage();
        return result;
    }

    private void feedLimited(ByteBuffer payload) {
        while (payload.hasRemaining()) {
            if (visible == window) {
                if (unflushed) {
                    deflate(Deflater.SYNC_FLUSH);
                }
                restartWithDictionary();
            }
            int n = Math.min(window - visible, payload.remaining());
            int pos = payload.position();
            history.append(payload, pos, n);
            deflater.setInput(payload.slice(pos, n));
            deflate(Deflater.NO_FLUSH);
            payload.position(pos + n);
            visible += n;
        }
    }

    private void restartWithDictionary() {
        deflater.reset();
        int keep = Math.min(history.size(), window / 2);
        if (keep > 0) {
            deflater.setDictionary(history.last(keep));
        }
        visible = keep;
    }

    private void deflate(int flush) {
        unflushed = flush == Deflater.NO_FLUSH;
        if (unflushed) {
            while (!deflater.needsInput()) {
                ensureSpace();
                outLength += deflater.deflate(out, outLength, out.length - outLength, flush);
            }
            return;
        }
        do {
            ensureSpace();
            outLength += deflater.deflate(out, outLength, out.length - outLength, flush);
        } while (outLength == out.length);
    }

    private void ensureSpace() {
        if (out.length - outLength < MIN_SPACE) {
            byte[] bigger = new byte[Math.max(out.length * 2, outLength + MIN_SPACE)];
            System.arraycopy(out, 0, bigger, 0, outLength);
            out = bigger;
        }
    }

    private void endMessage() {
        if (out.length > RETAINED_OUTPUT || pool != null) {
            out = null; // the caller still holds the returned wrapper until it has copied the bytes
        }
        if (!noContextTakeover) {
            return;
        }
        visible = 0;
        if (pool != null) {
            pool.giveDeflater(deflater);
            deflater = null;
            history = null;
        } else {
            deflater.reset();
            if (history != null) {
                history.clear();
            }
        }
    }

    /** True while a native deflater is held (for tests of the memory policy). */
    boolean holdsNativeState() {
        return deflater != null;
    }

    /** Frees the native deflater; later calls to {@link #compress} fail. Idempotent. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
        history = null;
        out = null;
    }
}
