package dev.duplex.core.deflate;

import dev.duplex.core.CloseCodes;
import dev.duplex.core.ProtocolException;
import dev.duplex.core.extension.Extension.PayloadSink;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses incoming permessage-deflate messages (RFC 7692 section 7.2.2): the frames of a message are
 * inflated as they arrive, and {@code 00 00 ff ff} is appended after the last one.
 *
 * <p><b>Bounded output.</b> Output is produced at most {@value #STEP} bytes at a time and each step is handed to
 * the sink before the next is inflated, so a sink that rejects an oversized message (the engine's, with 1009)
 * stops a compression bomb after at most the limit plus one step, whatever the input's ratio.
 *
 * <p><b>Errors.</b> Data that is not valid DEFLATE fails with {@link CloseCodes#INVALID_PAYLOAD} (1007): the frames
 * were well formed, but the message's data is inconsistent with its type (RFC 6455 section 7.4.1), which is what
 * 1007 means; 1002 is kept for framing errors.
 *
 * <p><b>Windows.</b> {@link Inflater} always keeps a 32 KiB window, so messages compressed with any
 * {@code *_max_window_bits} decode. A block with BFINAL set (RFC 7692 section 7.2.3.4) ends the DEFLATE stream:
 * anything after it in the message is ignored and the stream restarts with the next message, without the old
 * window (a peer that refers back across a final block then fails with 1007).
 *
 * <p>Not thread-safe: one engine's thread.
 */
final class MessageDecompressor {
    static final int STEP = 16 * 1024;
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final boolean noContextTakeover;
    private final NativePool pool;
    private Inflater inflater;
    private byte[] step;
    private boolean streamEnded;
    private boolean released;

    /**
     * @param noContextTakeover the peer resets its compressor after every message, so this side may too
     * @param pool              when not null and without context takeover, the inflater is taken from and returned
     *                          to it for every message
     */
    MessageDecompressor(boolean noContextTakeover, NativePool pool) {
        this.noContextTakeover = noContextTakeover;
        this.pool = noContextTakeover ? pool : null;
    }

    /** Inflates one frame's payload (consumed) into {@code sink}; {@code fin} marks the message's last frame. */
    void decompress(ByteBuffer payload, boolean fin, PayloadSink sink) {
        if (released) {
            throw new IllegalStateException("permessage-deflate was released: the connection has ended");
        }
        if (inflater == null) {
            inflater = pool != null ? pool.takeInflater() : new Inflater(true);
        }
        if (step == null) {
            step = new byte[STEP];
        }
        if (streamEnded) {
            payload.position(payload.limit());
        } else {
            inflate(payload, sink);
        }
        if (fin) {
            if (!streamEnded) {
                inflate(ByteBuffer.wrap(TAIL), sink);
            }
            endMessage();
        }
    }

    private void inflate(ByteBuffer input, PayloadSink sink) {
        inflater.setInput(input);
        try {
            while (true) {
                int n = inflater.inflate(step, 0, step.length);
                if (n > 0) {
                    sink.accept(ByteBuffer.wrap(step, 0, n));
                }
                if (inflater.finished()) {
                    streamEnded = true;
                    input.position(input.limit());
                    return;
                }
                if (n < step.length && inflater.needsInput()) {
                    return;
                }
                if (n == 0) {
                    throw new ProtocolException(CloseCodes.INVALID_PAYLOAD,
                            "compressed message made the inflater stall (it needs a preset dictionary or is corrupt)");
                }
            }
        } catch (DataFormatException e) {
            throw new ProtocolException(CloseCodes.INVALID_PAYLOAD,
                    "compressed message is not valid DEFLATE data: " + e.getMessage(), e);
        }
    }

    private void endMessage() {
        boolean reset = noContextTakeover || streamEnded;
        streamEnded = false;
        if (pool != null) {
            pool.giveInflater(inflater);
            inflater = null;
            step = null;
        } else if (reset) {
            inflater.reset();
        }
    }

    /** True while a native inflater is held (for tests of the memory policy). */
    boolean holdsNativeState() {
        return inflater != null;
    }

    /** Frees the native inflater; idempotent. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
        step = null;
    }
}
