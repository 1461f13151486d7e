package dev.duplex.core.deflate;

import dev.duplex.core.extension.Extension;

import java.nio.ByteBuffer;

/**
 * permessage-deflate on one connection, as negotiated: compresses outgoing messages of at least the threshold
 * size and inflates incoming messages marked with RSV1. Created by {@link PerMessageDeflate}; driven by one
 * engine's thread; not thread-safe.
 */
final class DeflateExtension implements Extension {
    private final MessageCompressor compressor;
    private final MessageDecompressor decompressor;
    private final int threshold;
    private final DeflateParameters agreed;
    private boolean released;

    DeflateExtension(MessageCompressor compressor, MessageDecompressor decompressor, int threshold,
                     DeflateParameters agreed) {
        this.compressor = compressor;
        this.decompressor = decompressor;
        this.threshold = threshold;
        this.agreed = agreed;
    }

    @Override
    public String name() {
        return DeflateParameters.NAME;
    }

    @Override
    public int rsvBits() {
        return 0x40;
    }

    /** Streamed messages (length -1) are always compressed: their size is not known in advance. */
    @Override
    public boolean shouldEncode(boolean text, long length) {
        return length < 0 || length >= threshold;
    }

    @Override
    public ByteBuffer encode(ByteBuffer payload, boolean fin) {
        return compressor.compress(payload, fin);
    }

    @Override
    public void decode(ByteBuffer payload, boolean fin, PayloadSink out) {
        decompressor.decompress(payload, fin, out);
    }

    @Override
    public void release() {
        if (!released) {
            released = true;
            compressor.release();
            decompressor.release();
        }
    }

    /** The parameters in force (the response that was sent or received). */
    DeflateParameters agreed() {
        return agreed;
    }

    /** True while a native Deflater or Inflater is held; the memory-policy probe for tests. */
    boolean holdsNativeState() {
        return compressor.holdsNativeState() || decompressor.holdsNativeState();
    }
}
