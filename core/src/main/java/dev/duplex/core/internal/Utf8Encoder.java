package dev.duplex.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes text as UTF-8. A lone surrogate becomes U+FFFD, as the browser's {@code send(USVString)} does (the JDK
 * would write '?'). Strings go through the JDK's vectorised {@code String.getBytes} whenever its result is the
 * same as ours (no surrogates); other text is encoded a char at a time.
 */
public final class Utf8Encoder {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long QUESTION_MARKS = 0x3F3F3F3F3F3F3F3FL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private Utf8Encoder() {
    }

    public static int encodedLength(CharSequence s) {
        int n = s.length();
        long bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2;
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("text too long to send as one message: " + bytes + " bytes");
        }
        return (int) bytes;
    }

    public static void encode(CharSequence s, ByteBuffer dst) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                dst.put((byte) c);
            } else if (c < 0x800) {
                dst.put((byte) (0xC0 | c >> 6)).put((byte) (0x80 | c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                dst.put((byte) (0xF0 | cp >> 18)).put((byte) (0x80 | cp >> 12 & 0x3F))
                        .put((byte) (0x80 | cp >> 6 & 0x3F)).put((byte) (0x80 | cp & 0x3F));
            } else {
                if (Character.isSurrogate(c)) {
                    c = '\uFFFD';
                }
                dst.put((byte) (0xE0 | c >> 12)).put((byte) (0x80 | c >> 6 & 0x3F)).put((byte) (0x80 | c & 0x3F));
            }
        }
    }

    public static byte[] encode(CharSequence s) {
        if (s instanceof String str) {
            byte[] jdk = str.getBytes(StandardCharsets.UTF_8);
            // Equal lengths mean every char was ASCII or a lone surrogate that the JDK wrote as '?'.
            boolean mayHaveLoneSurrogates = jdk.length != str.length() || containsQuestionMark(jdk);
            if (!mayHaveLoneSurrogates || !hasSurrogate(str)) {
                return jdk;
            }
        }
        ByteBuffer buf = ByteBuffer.allocate(encodedLength(s));
        encode(s, buf);
        return buf.array();
    }

    /** Eight bytes at a time: a byte equal to '?' becomes zero after the XOR, and the SWAR test finds zero bytes. */
    static boolean containsQuestionMark(byte[] b) {
        int i = 0;
        for (; i + Long.BYTES <= b.length; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ QUESTION_MARKS;
            if (((x - ONES) & ~x & HIGH_BITS) != 0) {
                return true;
            }
        }
        for (; i < b.length; i++) {
            if (b[i] == '?') {
                return true;
            }
        }
        return false;
    }

    private static boolean hasSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
