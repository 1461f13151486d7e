package dev.duplex.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns a text message's UTF-8 (already validated by the engine) into a String with the JDK's intrinsic decoder.
 * Direct buffers are copied into a reusable scratch array first, so small messages cost one String and nothing
 * else. One per event loop; loop thread only.
 */
final class TextDecoder {
    private static final int SCRATCH_BYTES = 64 * 1024;
    private final byte[] scratch = new byte[SCRATCH_BYTES];

    /** Decodes {@code utf8}'s remaining bytes and consumes them. */
    String decode(ByteBuffer utf8) {
        int n = utf8.remaining();
        String text;
        if (utf8.hasArray()) {
            text = new String(utf8.array(), utf8.arrayOffset() + utf8.position(), n, StandardCharsets.UTF_8);
            utf8.position(utf8.limit());
        } else {
            byte[] bytes = n <= SCRATCH_BYTES ? scratch : new byte[n];
            utf8.get(bytes, 0, n);
            text = new String(bytes, 0, n, StandardCharsets.UTF_8);
        }
        return text;
    }
}
