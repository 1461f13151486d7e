package dev.duplex.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8ValidatorTest {

    // ---------------------------------------------------------------- oracles

    /** The JDK's strict decoder: is the whole input complete, valid UTF-8? */
    private static boolean jdkValid(byte[] b) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            d.decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static final int COMPLETE = -1;
    private static final int INCOMPLETE = -2;

    /**
     * An independent reference, written in terms of code point arithmetic rather than a state machine.
     * Returns the index of the first byte after which the input can no longer be completed to valid UTF-8,
     * or {@link #COMPLETE} / {@link #INCOMPLETE} if there is none and the input ends outside / inside a code
     * point. After consuming {@code k} bytes of an {@code n}-byte sequence, the code points still possible
     * form the interval [lo, hi]; a byte is fatal when that interval misses every scalar value that is
     * encoded with exactly {@code n} bytes.
     */
    static int scan(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int lead = b[i] & 0xFF;
            int n;
            int bits;
            if (lead < 0x80) {
                i++;
                continue;
            } else if ((lead & 0xE0) == 0xC0) {
                n = 2;
                bits = lead & 0x1F;
            } else if ((lead & 0xF0) == 0xE0) {
                n = 3;
                bits = lead & 0x0F;
            } else if ((lead & 0xF8) == 0xF0) {
                n = 4;
                bits = lead & 0x07;
            } else {
                return i; // continuation without a lead, or a 5/6-byte or FE/FF lead
            }
            for (int k = 1; ; k++) {
                int unknown = 6 * (n - k);
                long lo = (long) bits << unknown;
                long hi = lo | ((1L << unknown) - 1);
                if (!intersectsScalarsOfLength(n, lo, hi)) {
                    return i + k - 1;
                }
                if (k == n) {
                    break;
                }
                if (i + k >= b.length) {
                    return INCOMPLETE;
                }
                int c = b[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return i + k;
                }
                bits = (bits << 6) | (c & 0x3F);
            }
            i += n;
        }
        return COMPLETE;
    }

    private static boolean intersectsScalarsOfLength(int n, long lo, long hi) {
        long min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
        long max = n == 2 ? 0x7FF : n == 3 ? 0xFFFF : 0x10FFFF;
        lo = Math.max(lo, min);
        hi = Math.min(hi, max);
        if (lo > hi) {
            return false;
        }
        return !(lo >= 0xD800 && hi <= 0xDFFF); // entirely inside the surrogates
    }

    /** Index of the first fatal byte, or -1 if none. */
    static int firstInvalidIndex(byte[] b) {
        int r = scan(b);
        return r >= 0 ? r : -1;
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    // ---------------------------------------------------------------- classic cases

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "00", "7f", "41 42 43",
        "c2 80", "df bf",                       // 2-byte boundaries
        "e0 a0 80", "ef bf bf", "ed 9f bf", "ee 80 80", // 3-byte boundaries around the surrogates
        "ef bf be", "ef bf bf",                 // noncharacters are still valid UTF-8
        "f0 90 80 80", "f4 8f bf bf",           // 4-byte boundaries (U+10000, U+10FFFF)
        "ce ba e1 bd b9 cf 83 ce bc ce b5",     // "kosme" in Greek
        "f0 9f 98 80 20 e2 82 ac 20 c3 a9",     // emoji, euro sign, e acute
    })
    void validSequences(String hexBytes) {
        byte[] b = hex(hexBytes);
        assertTrue(Utf8Validator.isValid(b, 0, b.length));
        assertTrue(Utf8Validator.isValid(ByteBuffer.wrap(b)));
        Utf8Validator v = new Utf8Validator();
        assertTrue(v.feed(b, 0, b.length));
        assertTrue(v.isComplete());
        assertFalse(v.hasFailed());
        assertTrue(jdkValid(b), "oracle agrees");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "80", "bf", "41 80", "c2 80 80",        // stray continuation bytes
        "c0 80", "c1 bf", "e0 80 80", "e0 9f bf", "f0 80 80 80", "f0 8f bf bf", // overlongs
        "c0 af", "e0 80 af", "f0 80 80 af",     // overlong '/'
        "ed a0 80", "ed bf bf", "ed a0 80 ed b0 80", // surrogates, alone and paired
        "f4 90 80 80", "f7 bf bf bf",           // above U+10FFFF
        "f8 88 80 80 80", "fc 84 80 80 80 80",  // 5- and 6-byte forms
        "fe", "ff", "fe fe ff ff", "f5", "c0", "c1",
        "c2 41", "e1 80 41", "f1 80 80 41",     // sequence interrupted by ASCII
        "e1 c2 80", "f1 80 e1 80 80",           // interrupted by another lead
    })
    void invalidSequences(String hexBytes) {
        byte[] b = hex(hexBytes);
        assertFalse(Utf8Validator.isValid(b, 0, b.length));
        assertFalse(Utf8Validator.isValid(ByteBuffer.wrap(b)));
        Utf8Validator v = new Utf8Validator();
        assertFalse(v.feed(b, 0, b.length));
        assertTrue(v.hasFailed());
        assertFalse(v.isComplete());
        assertFalse(v.feed(new byte[] {'a'}, 0, 1), "stays failed");
        assertFalse(v.feed(ByteBuffer.allocateDirect(0), 0, 0), "stays failed, even on nothing");
        assertFalse(jdkValid(b), "oracle agrees");
        v.reset();
        assertTrue(v.feed(new byte[] {'a'}, 0, 1));
        assertTrue(v.isComplete());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "c2", "e0", "e0 a0", "e1", "e1 80", "ed", "ed 9f", "f0", "f0 90", "f0 90 80", "f4 8f bf", "f3 bf",
        "41 42 e2 82",
    })
    void truncatedSequencesAreIncompleteNotFailed(String hexBytes) {
        byte[] b = hex(hexBytes);
        Utf8Validator v = new Utf8Validator();
        assertTrue(v.feed(b, 0, b.length));
        assertFalse(v.isComplete());
        assertFalse(v.hasFailed());
        assertFalse(Utf8Validator.isValid(b, 0, b.length), "not valid as a whole text");
    }

    @Test
    void failsAtTheByteThatDecidesIt() {
        // ED is fine on its own; ED A0 can only be a surrogate, so the second byte fails.
        Utf8Validator v = new Utf8Validator();
        assertTrue(v.feed(hex("ed"), 0, 1));
        assertFalse(v.feed(hex("a0"), 0, 1));
        // F4 90 is already above U+10FFFF.
        v.reset();
        assertTrue(v.feed(hex("f4"), 0, 1));
        assertFalse(v.feed(hex("90"), 0, 1));
        // E0 80 can only be an overlong.
        v.reset();
        assertTrue(v.feed(hex("e0"), 0, 1));
        assertFalse(v.feed(hex("80"), 0, 1));
        // C0 is never valid.
        v.reset();
        assertFalse(v.feed(hex("c0"), 0, 1));
    }

    @Test
    void everySingleByteAndPairAgreesWithTheJdk() {
        for (int a = 0; a < 256; a++) {
            byte[] one = {(byte) a};
            assertEquals(jdkValid(one), Utf8Validator.isValid(one, 0, 1), "byte " + a);
            for (int c = 0; c < 256; c++) {
                byte[] two = {(byte) a, (byte) c};
                assertEquals(jdkValid(two), Utf8Validator.isValid(two, 0, 2), () -> Arrays.toString(two));
                checkIncrementally(two, new int[] {1});
            }
        }
    }

    /** Both ends of every byte class, plus ASCII. */
    private static final int[] INTERESTING = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1,
        0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5, 0xFF};

    @Test
    void everyThreeByteSequenceStartingWithALeadAgreesWithTheReferences() {
        for (int a = 0xC0; a < 0x100; a++) {
            for (int c : INTERESTING) {
                for (int d : INTERESTING) {
                    byte[] b = {(byte) a, (byte) c, (byte) d};
                    assertEquals(jdkValid(b), Utf8Validator.isValid(b, 0, 3), () -> HexFormat.of().formatHex(b));
                    checkIncrementally(b, new int[] {1, 2});
                }
            }
        }
    }

    @Test
    void allScalarValuesAreValidAndAllSurrogatesInvalid() {
        Utf8Validator v = new Utf8Validator();
        for (int cp = 0; cp <= 0x10FFFF; cp++) {
            byte[] b = encode(cp);
            boolean surrogate = cp >= 0xD800 && cp <= 0xDFFF;
            assertEquals(!surrogate, Utf8Validator.isValid(b, 0, b.length), () -> Integer.toHexString(b.length));
            if (!surrogate) {
                assertTrue(v.feed(b, 0, b.length));
            }
        }
        assertTrue(v.isComplete());
    }

    /** Encodes any value up to 0x10FFFF, surrogates included, the way UTF-8's bit layout would. */
    private static byte[] encode(int cp) {
        if (cp < 0x80) {
            return new byte[] {(byte) cp};
        } else if (cp < 0x800) {
            return new byte[] {(byte) (0xC0 | cp >> 6), (byte) (0x80 | cp & 0x3F)};
        } else if (cp < 0x10000) {
            return new byte[] {(byte) (0xE0 | cp >> 12), (byte) (0x80 | cp >> 6 & 0x3F), (byte) (0x80 | cp & 0x3F)};
        }
        return new byte[] {(byte) (0xF0 | cp >> 18), (byte) (0x80 | cp >> 12 & 0x3F),
            (byte) (0x80 | cp >> 6 & 0x3F), (byte) (0x80 | cp & 0x3F)};
    }

    @Test
    void asciiRunsWithANonAsciiByteAtEveryPosition() {
        byte[][] intruders = {hex("80"), hex("ff"), hex("c3 a9"), hex("e2 82 ac"), hex("f0 9f 98 80"),
            hex("c0 80"), hex("ed a0 80"), hex("e2 82")};
        for (int len = 0; len <= 80; len++) {
            for (int at = 0; at <= len; at++) {
                for (byte[] intruder : intruders) {
                    byte[] b = new byte[len + intruder.length];
                    Arrays.fill(b, (byte) 'x');
                    System.arraycopy(intruder, 0, b, at, intruder.length);
                    for (int off = 0; off < 3; off++) {
                        byte[] shifted = new byte[off + b.length];
                        System.arraycopy(b, 0, shifted, off, b.length);
                        boolean expected = jdkValid(b);
                        assertEquals(expected, Utf8Validator.isValid(shifted, off, b.length),
                                () -> HexFormat.of().formatHex(b));
                        ByteBuffer direct = ByteBuffer.allocateDirect(shifted.length).put(shifted);
                        direct.position(off);
                        assertEquals(expected, Utf8Validator.isValid(direct));
                        assertEquals(off, direct.position());
                        Utf8Validator v = new Utf8Validator();
                        assertEquals(firstInvalidIndex(b) < 0, v.feed(direct, off, b.length));
                    }
                }
            }
        }
    }

    @Test
    void byteBufferFeedUsesAbsoluteRangeAndLeavesPosition() {
        byte[] text = "héllo wörld, ça va? ✓ 😀 and some more ascii text".getBytes(StandardCharsets.UTF_8);
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer b = direct ? ByteBuffer.allocateDirect(text.length + 10) : ByteBuffer.allocate(text.length + 10);
            b.position(5);
            b.put(text);
            b.put((byte) 0xFF); // garbage after the range must not be looked at
            b.position(2).limit(text.length + 7);
            Utf8Validator v = new Utf8Validator();
            assertTrue(v.feed(b, 5, 3));
            assertTrue(v.feed(b, 8, text.length - 3));
            assertTrue(v.isComplete());
            assertEquals(2, b.position());
            assertEquals(text.length + 7, b.limit());
            assertThrows(IndexOutOfBoundsException.class, () -> v.feed(b, 5, text.length + 3));
        }
        ByteBuffer sliced = ByteBuffer.wrap(new byte[] {(byte) 0xFF, 'a', 'b', (byte) 0xC3, (byte) 0xA9}, 1, 4).slice();
        assertTrue(new Utf8Validator().feed(sliced, 0, 4));
        assertTrue(Utf8Validator.isValid(sliced));
        ByteBuffer readOnlyDirect = ByteBuffer.allocateDirect(3).put(hex("e2 82 ac")).flip().asReadOnlyBuffer();
        assertTrue(Utf8Validator.isValid(readOnlyDirect));
    }

    @Test
    void rejectsBadRanges() {
        Utf8Validator v = new Utf8Validator();
        assertThrows(IndexOutOfBoundsException.class, () -> v.feed(new byte[4], 2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> v.feed(new byte[4], -1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> Utf8Validator.isValid(new byte[4], 0, 5));
        assertFalse(v.hasFailed());
    }

    @Test
    void longTextsInRandomPieces() {
        StringBuilder sb = new StringBuilder();
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            sb.appendCodePoint(r.nextInt(10) == 0 ? randomScalar(r) : 'a' + r.nextInt(26));
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 50; round++) {
            checkIncrementally(b, randomCuts(r, b.length, 1 + r.nextInt(30)));
        }
    }

    private static int randomScalar(SplittableRandom r) {
        while (true) {
            int cp = switch (r.nextInt(4)) {
                case 0 -> r.nextInt(0x80, 0x800);
                case 1 -> r.nextInt(0x800, 0x10000);
                case 2 -> r.nextInt(0x10000, 0x110000);
                default -> r.nextInt(0x80);
            };
            if (cp < 0xD800 || cp > 0xDFFF) {
                return cp;
            }
        }
    }

    // ---------------------------------------------------------------- properties

    /**
     * Feeds {@code b} in pieces cut at {@code cuts}, alternately from arrays and direct buffers, and checks
     * against the oracles: every piece before the first invalid byte is accepted, the piece containing it is
     * refused, later pieces are refused, and at the end the verdict matches the JDK decoder.
     */
    private static void checkIncrementally(byte[] b, int[] cuts) {
        int firstInvalid = firstInvalidIndex(b);
        boolean jdk = jdkValid(b);
        assertEquals(jdk, scan(b) == COMPLETE, () -> "the two oracles disagree on " + HexFormat.of().formatHex(b));
        assertEquals(jdk, Utf8Validator.isValid(b, 0, b.length), () -> HexFormat.of().formatHex(b));
        assertEquals(jdk, Utf8Validator.isValid(ByteBuffer.allocateDirect(b.length).put(b).flip()));

        Utf8Validator v = new Utf8Validator();
        int start = 0;
        int piece = 0;
        int[] bounds = Arrays.copyOf(cuts, cuts.length + 1);
        bounds[cuts.length] = b.length;
        for (int end : bounds) {
            int len = end - start;
            boolean accepted;
            if (piece++ % 2 == 0) {
                accepted = v.feed(b, start, len);
            } else {
                ByteBuffer direct = ByteBuffer.allocateDirect(len + 3);
                direct.position(3);
                direct.put(b, start, len);
                accepted = v.feed(direct, 3, len);
            }
            boolean invalidSeenByNow = firstInvalid >= 0 && firstInvalid < end;
            int s = start;
            assertEquals(!invalidSeenByNow, accepted,
                    () -> "piece [" + s + ", " + end + ") of " + HexFormat.of().formatHex(b)
                            + ", first invalid byte at " + firstInvalid);
            assertEquals(invalidSeenByNow, v.hasFailed());
            start = end;
        }
        assertEquals(jdk, !v.hasFailed() && v.isComplete(), () -> HexFormat.of().formatHex(b));
    }

    private static int[] randomCuts(SplittableRandom r, int length, int count) {
        int[] cuts = new int[count];
        for (int i = 0; i < count; i++) {
            cuts[i] = r.nextInt(length + 1);
        }
        Arrays.sort(cuts);
        return cuts;
    }

    @Provide
    Arbitrary<byte[]> utf8ishBytes() {
        // Mostly plausible UTF-8 material so that invalid bytes show up at interesting places.
        Arbitrary<byte[]> ascii = Arbitraries.bytes().between((byte) 0x20, (byte) 0x7E).array(byte[].class).ofMaxSize(20);
        Arbitrary<byte[]> codePoint = Arbitraries.integers().between(0, 0x10FFFF).map(Utf8ValidatorTest::encode);
        Arbitrary<byte[]> anyByte = Arbitraries.bytes().map(x -> new byte[] {x});
        Arbitrary<byte[]> continuation = Arbitraries.integers().between(0x80, 0xBF).map(x -> new byte[] {x.byteValue()});
        Arbitrary<byte[]> lead = Arbitraries.integers().between(0xC0, 0xFF).map(x -> new byte[] {x.byteValue()});
        Arbitrary<byte[]> fragment = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, ascii),
                net.jqwik.api.Tuple.of(8, codePoint),
                net.jqwik.api.Tuple.of(1, anyByte),
                net.jqwik.api.Tuple.of(2, continuation),
                net.jqwik.api.Tuple.of(2, lead));
        return fragment.list().ofMaxSize(40).map(Utf8ValidatorTest::concat);
    }

    @Provide
    Arbitrary<byte[]> validText() {
        Arbitrary<Integer> scalar = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 0x7F),
                Arbitraries.integers().between(0x80, 0x7FF),
                Arbitraries.integers().between(0x800, 0xFFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF),
                Arbitraries.integers().between(0x10000, 0x10FFFF));
        return scalar.list().ofMaxSize(200).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    private static byte[] concat(List<byte[]> parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    private static int[] cutsFrom(List<Integer> raw, int length) {
        return raw.stream().mapToInt(x -> Math.floorMod(x, length + 1)).sorted().toArray();
    }

    @Property(tries = 2000)
    void randomBytesSplitAnywhereAgreeWithTheJdk(@ForAll("utf8ishBytes") byte[] b, @ForAll List<Integer> cuts) {
        checkIncrementally(b, cutsFrom(cuts, b.length));
    }

    @Property(tries = 500)
    void uniformlyRandomBytesAgreeWithTheJdk(@ForAll byte[] b, @ForAll List<Integer> cuts) {
        checkIncrementally(b, cutsFrom(cuts, b.length));
    }

    @Property(tries = 1000)
    void validTextSplitAnywhereIsValid(@ForAll("validText") byte[] b, @ForAll List<Integer> cuts) {
        assertTrue(jdkValid(b));
        checkIncrementally(b, cutsFrom(cuts, b.length));
        Utf8Validator v = new Utf8Validator();
        for (int cut : cutsFrom(cuts, b.length)) {
            v.reset();
            assertTrue(v.feed(b, 0, cut));
            assertEquals(cut == b.length || (b[cut] & 0xC0) != 0x80,
                    v.isComplete(), "complete exactly at code point boundaries");
        }
    }

    @Property(tries = 200)
    void validTextWithOneByteCorruptedFailsAtTheRightPiece(@ForAll("validText") byte[] b,
            @ForAll int where, @ForAll byte value, @ForAll List<Integer> cuts) {
        if (b.length == 0) {
            return;
        }
        byte[] c = b.clone();
        c[Math.floorMod(where, c.length)] = value;
        checkIncrementally(c, cutsFrom(cuts, c.length));
    }

    @Test
    void oracleSelfCheck() {
        assertEquals(0, scan(hex("c0 80")));
        assertEquals(1, scan(hex("ed a0 80")));
        assertEquals(1, scan(hex("e0 80 80")));
        assertEquals(1, scan(hex("f4 90 80 80")));
        assertEquals(0, scan(hex("f5")));
        assertEquals(2, scan(hex("e1 80 41")));
        assertEquals(INCOMPLETE, scan(hex("f0 90 80")));
        assertEquals(COMPLETE, scan(hex("f0 90 80 80")));
        assertEquals(COMPLETE, scan(new byte[0]));
    }
}
