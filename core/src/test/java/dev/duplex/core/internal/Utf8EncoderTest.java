package dev.duplex.core.internal;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The encoder's fast path (the JDK's getBytes) must give the same bytes as the char-at-a-time reference. */
class Utf8EncoderTest {

    /** Lone surrogates become U+FFFD, then the JDK encodes (it has no lone surrogates left to turn into '?'). */
    private static byte[] reference(String s) {
        StringBuilder fixed = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                fixed.append(c).append(s.charAt(++i));
            } else {
                fixed.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return fixed.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<Character> chars = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.chars().range(' ', '~')),
                net.jqwik.api.Tuple.of(2, Arbitraries.of('?')),
                net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('\u0080', '\u07ff')),
                net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('\u0800', '\uffff')),
                net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('\ud800', '\udfff')));
        return chars.list().ofMaxSize(80).map(list -> {
            StringBuilder sb = new StringBuilder(list.size());
            list.forEach(sb::append);
            return sb.toString();
        });
    }

    @Property(tries = 2000)
    void stringsEncodeLikeTheReference(@ForAll("texts") String s) {
        byte[] expected = reference(s);
        assertArrayEquals(expected, Utf8Encoder.encode(s));
        assertArrayEquals(expected, Utf8Encoder.encode(new StringBuilder(s)), "the char-at-a-time path");
        assertEquals(expected.length, Utf8Encoder.encodedLength(s));
        ByteBuffer direct = ByteBuffer.allocateDirect(expected.length);
        Utf8Encoder.encode(s, direct);
        assertEquals(expected.length, direct.position());
    }

    @Test
    void loneSurrogatesThatLookLikeQuestionMarksAreCaught() {
        assertArrayEquals(new byte[] {'a', (byte) 0xEF, (byte) 0xBF, (byte) 0xBD, 'b'}, Utf8Encoder.encode("a\ud800b"));
        assertArrayEquals("a?b".getBytes(StandardCharsets.US_ASCII), Utf8Encoder.encode("a?b"));
    }

    @Test
    void findsAQuestionMarkAtEveryPositionAndLength() {
        for (int length = 0; length <= 40; length++) {
            byte[] bytes = new byte[length];
            java.util.Arrays.fill(bytes, (byte) 'x');
            assertFalse(Utf8Encoder.containsQuestionMark(bytes), "length " + length);
            for (int at = 0; at < length; at++) {
                bytes[at] = '?';
                assertTrue(Utf8Encoder.containsQuestionMark(bytes), "length " + length + " at " + at);
                bytes[at] = (byte) ('?' + 0x80); // same low bits, not a '?'
                assertFalse(Utf8Encoder.containsQuestionMark(bytes), "0xBF at " + at);
                bytes[at] = '>';
                assertFalse(Utf8Encoder.containsQuestionMark(bytes), "'>' at " + at);
                bytes[at] = 'x';
            }
        }
    }
}
