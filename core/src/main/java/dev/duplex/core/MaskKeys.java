package dev.duplex.core;

import java.security.SecureRandom;

/**
 * Fresh, unpredictable masking keys (RFC 6455 section 5.3) for one client engine. Keys come from a shared
 * {@link SecureRandom} 64 at a time, so that masking a frame does not take the generator's lock.
 */
final class MaskKeys {
    private static final SecureRandom SOURCE = new SecureRandom();

    private final byte[] batch = new byte[256];
    private int next = batch.length;

    int next() {
        if (next == batch.length) {
            synchronized (SOURCE) {
                SOURCE.nextBytes(batch);
            }
            next = 0;
        }
        int key = (batch[next] & 0xFF) << 24 | (batch[next + 1] & 0xFF) << 16
                | (batch[next + 2] & 0xFF) << 8 | (batch[next + 3] & 0xFF);
        next += 4;
        return key;
    }
}
