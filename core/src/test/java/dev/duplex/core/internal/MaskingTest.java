package dev.duplex.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MaskingTest {

    private static final int[] KEYS = {0x37fa213d, 0, 0xFFFFFFFF, 0x01020304, 0x80000001, 0xdeadbeef};
    private static final int MAX_LEN = 70;
    private static final int PAD = 11;

    /** The obvious byte-at-a-time definition from RFC 6455 5.3. */
    private static byte[] reference(byte[] payload, int off, int len, int key, long keyOffset) {
        byte[] out = payload.clone();
        byte[] k = {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
        for (int i = 0; i < len; i++) {
            out[off + i] = (byte) (payload[off + i] ^ k[(int) ((keyOffset + i) % 4)]);
        }
        return out;
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** All of the buffer's bytes, whatever its position and limit. */
    private static byte[] toArray(ByteBuffer b) {
        ByteBuffer all = b.duplicate().clear();
        byte[] out = new byte[all.capacity()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    private static ByteBuffer buffer(byte[] content, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(content.length) : ByteBuffer.allocate(content.length);
        b.put(content).clear();
        return b;
    }

    @Test
    void rfc6455Example() {
        // RFC 6455 5.7: a single-frame masked text message containing "Hello".
        byte[] hello = "Hello".getBytes(StandardCharsets.US_ASCII);
        byte[] expected = {0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58};

        byte[] a = hello.clone();
        Masking.unmask(a, 0, a.length, 0x37fa213d, 0);
        assertArrayEquals(expected, a);
        Masking.unmask(a, 0, a.length, 0x37fa213d, 0);
        assertArrayEquals(hello, a, "masking is its own inverse");

        ByteBuffer src = ByteBuffer.wrap(hello);
        ByteBuffer dst = ByteBuffer.allocateDirect(5);
        Masking.mask(src, dst, 0x37fa213d);
        assertEquals(5, src.position());
        assertEquals(5, dst.position());
        assertArrayEquals(expected, toArray(dst));

        // The key as read off the wire with getInt() on a big-endian buffer.
        int wireKey = ByteBuffer.wrap(new byte[] {0x37, (byte) 0xfa, 0x21, 0x3d}).getInt();
        assertEquals(0x37fa213d, wireKey);
    }

    @Test
    void arrayMatchesReferenceForAllLengthsOffsetsAndAlignments() {
        for (int key : KEYS) {
            for (int len = 0; len <= MAX_LEN; len++) {
                for (int off = 0; off < 8; off++) {
                    for (long keyOffset = 0; keyOffset < 4; keyOffset++) {
                        byte[] data = randomBytes(off + len + PAD, len * 31L + off);
                        byte[] expected = reference(data, off, len, key, keyOffset);
                        byte[] actual = data.clone();
                        Masking.unmask(actual, off, len, key, keyOffset);
                        assertArrayEquals(expected, actual, "len=" + len + " off=" + off + " keyOffset=" + keyOffset);
                        // Only keyOffset % 4 matters, also for huge offsets.
                        byte[] big = data.clone();
                        Masking.unmask(big, off, len, key, keyOffset + (1L << 40));
                        assertArrayEquals(expected, big);
                    }
                }
            }
        }
    }

    @Test
    void bufferMatchesReferenceForAllLengthsOffsetsAndAlignments() {
        for (boolean direct : new boolean[] {false, true}) {
            for (int key : KEYS) {
                for (int len = 0; len <= MAX_LEN; len++) {
                    for (int pos = 0; pos < 8; pos++) {
                        for (long keyOffset = 0; keyOffset < 4; keyOffset++) {
                            byte[] data = randomBytes(pos + len + PAD, len * 17L + pos);
                            byte[] expected = reference(data, pos, len, key, keyOffset);
                            ByteBuffer b = buffer(data, direct);
                            b.position(3).limit(b.capacity() - 1); // unrelated: must be left alone
                            b.order(ByteOrder.LITTLE_ENDIAN); // unrelated: must not matter
                            Masking.unmask(b, pos, len, key, keyOffset);
                            assertArrayEquals(expected, toArray(b), "direct=" + direct);
                            assertEquals(3, b.position());
                            assertEquals(b.capacity() - 1, b.limit());
                            assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
                        }
                    }
                }
            }
        }
    }

    @Test
    void heapBufferWithArrayOffset() {
        byte[] backing = randomBytes(100, 7);
        ByteBuffer slice = ByteBuffer.wrap(backing, 13, 60).slice(); // arrayOffset 13
        assertEquals(13, slice.arrayOffset());
        byte[] expected = reference(backing, 13 + 5, 40, KEYS[0], 2);
        Masking.unmask(slice, 5, 40, KEYS[0], 2);
        assertArrayEquals(expected, backing);
    }

    @Test
    void splittingAtEveryPointGivesTheWholeResult() {
        for (int key : KEYS) {
            for (int len = 0; len <= MAX_LEN; len++) {
                byte[] data = randomBytes(len, len);
                byte[] whole = data.clone();
                Masking.unmask(whole, 0, len, key, 0);
                for (int cut = 0; cut <= len; cut++) {
                    byte[] a = data.clone();
                    Masking.unmask(a, 0, cut, key, 0);
                    Masking.unmask(a, cut, len - cut, key, cut);
                    assertArrayEquals(whole, a, "array cut=" + cut);

                    for (boolean direct : new boolean[] {false, true}) {
                        ByteBuffer b = buffer(data, direct);
                        Masking.unmask(b, 0, cut, key, 0);
                        Masking.unmask(b, cut, len - cut, key, cut);
                        assertArrayEquals(whole, toArray(b), "buffer cut=" + cut + " direct=" + direct);
                    }
                }
            }
        }
    }

    @Test
    void maskCopyMatchesReferenceForAllBufferKindsLengthsAndAlignments() {
        for (int srcKind = 0; srcKind < 3; srcKind++) {
            for (boolean dstDirect : new boolean[] {false, true}) {
                for (int key : KEYS) {
                    for (int len = 0; len <= MAX_LEN; len++) {
                        for (int align = 0; align < 8; align++) {
                            byte[] payload = randomBytes(len, len * 7L + align);
                            byte[] expected = reference(payload, 0, len, key, 0);

                            byte[] srcContent = new byte[align + len + 3];
                            System.arraycopy(payload, 0, srcContent, align, len);
                            ByteBuffer src = srcKind == 2
                                    ? buffer(srcContent, false).asReadOnlyBuffer()
                                    : buffer(srcContent, srcKind == 1);
                            src.position(align).limit(align + len);

                            int dstAlign = (align * 3) % 8;
                            ByteBuffer dst = dstDirect
                                    ? ByteBuffer.allocateDirect(dstAlign + len + 5)
                                    : ByteBuffer.allocate(dstAlign + len + 5);
                            dst.position(dstAlign);

                            Masking.mask(src, dst, key);

                            assertEquals(align + len, src.position());
                            assertEquals(dstAlign + len, dst.position());
                            byte[] out = Arrays.copyOfRange(toArray(dst), dstAlign, dstAlign + len);
                            assertArrayEquals(expected, out, "srcKind=" + srcKind + " dstDirect=" + dstDirect);
                            byte[] all = toArray(dst);
                            for (int i = 0; i < dstAlign; i++) {
                                assertEquals(0, all[i], "wrote before dst position");
                            }
                            for (int i = dstAlign + len; i < all.length; i++) {
                                assertEquals(0, all[i], "wrote past the copied range");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void maskIntoTooSmallBufferThrowsAndMovesNothing() {
        ByteBuffer src = ByteBuffer.wrap(new byte[10]);
        ByteBuffer dst = ByteBuffer.allocate(9);
        assertThrows(BufferOverflowException.class, () -> Masking.mask(src, dst, 1));
        assertEquals(0, src.position());
        assertEquals(0, dst.position());
    }

    @Test
    void rejectsBadArguments() {
        byte[] b = new byte[16];
        assertThrows(IndexOutOfBoundsException.class, () -> Masking.unmask(b, 10, 7, 1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Masking.unmask(b, -1, 2, 1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Masking.unmask(b, 0, -1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Masking.unmask(b, 0, 4, 1, -1));
        ByteBuffer buf = ByteBuffer.allocateDirect(16).limit(12);
        assertThrows(IndexOutOfBoundsException.class, () -> Masking.unmask(buf, 8, 5, 1, 0));
        for (int len : new int[] {3, 16}) {
            ByteBuffer ro = ByteBuffer.allocate(16).asReadOnlyBuffer();
            assertThrows(ReadOnlyBufferException.class, () -> Masking.unmask(ro, 0, len, 1, 0));
            ByteBuffer roDirect = ByteBuffer.allocateDirect(16).asReadOnlyBuffer();
            assertThrows(ReadOnlyBufferException.class, () -> Masking.unmask(roDirect, 0, len, 1, 0));
        }
        assertThrows(ReadOnlyBufferException.class,
                () -> Masking.mask(ByteBuffer.allocate(4), ByteBuffer.allocate(4).asReadOnlyBuffer(), 1));
    }

    @Property(tries = 300)
    void largeRandomPayloadsSplitAnywhere(@ForAll @Size(max = 5000) byte[] payload, @ForAll int key,
            @ForAll @IntRange(min = 0, max = 5000) int cut1, @ForAll @IntRange(min = 0, max = 5000) int cut2) {
        int n = payload.length;
        int a = Math.min(Math.min(cut1, cut2), n);
        int b = Math.min(Math.max(cut1, cut2), n);
        byte[] expected = reference(payload, 0, n, key, 0);

        byte[] arr = payload.clone();
        Masking.unmask(arr, 0, a, key, 0);
        Masking.unmask(arr, a, b - a, key, a);
        Masking.unmask(arr, b, n - b, key, b);
        assertArrayEquals(expected, arr);

        ByteBuffer direct = buffer(payload, true);
        Masking.unmask(direct, 0, a, key, 0);
        Masking.unmask(direct, a, b - a, key, a);
        Masking.unmask(direct, b, n - b, key, b);
        assertArrayEquals(expected, toArray(direct));

        ByteBuffer dst = ByteBuffer.allocateDirect(n);
        Masking.mask(ByteBuffer.wrap(payload), dst, key);
        assertArrayEquals(expected, toArray(dst));
    }
}
