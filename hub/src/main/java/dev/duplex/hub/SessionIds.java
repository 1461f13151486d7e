package dev.duplex.hub;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out hub session ids: {@code s<prefix>-<n>}, where the prefix is 6 random base-32 characters chosen when
 * the hub starts and {@code n} counts up from 1. Stored history keeps the ids of earlier runs, so a counter alone
 * ({@code s1} again after a restart) would give a new connection the id of someone's old messages. Thread-safe.
 */
final class SessionIds {
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    private final String prefix;
    private final AtomicLong next = new AtomicLong();

    SessionIds() {
        this(new SecureRandom());
    }

    SessionIds(java.util.Random random) {
        char[] p = new char[6];
        for (int i = 0; i < p.length; i++) {
            p[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        this.prefix = "s" + new String(p) + "-";
    }

    String next() {
        return prefix + next.incrementAndGet();
    }
}
