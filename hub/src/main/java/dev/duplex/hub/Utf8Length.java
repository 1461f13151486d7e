package dev.duplex.hub;

/** Counts the UTF-8 bytes of a string without encoding it (a lone surrogate counts as the 3 bytes of U+FFFD). */
final class Utf8Length {
    private Utf8Length() {
    }

    /** The UTF-8 length of {@code s}, or any value above {@code limit} once it is known to exceed it. */
    static long of(String s, long limit) {
        int n = s.length();
        if (n > limit) {
            return n;
        }
        if ((long) n * 3 <= limit) {
            return n; // cannot exceed the limit: not worth counting
        }
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
