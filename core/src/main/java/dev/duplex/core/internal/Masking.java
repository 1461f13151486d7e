package dev.duplex.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * RFC 6455 section 5.3 payload masking: every payload byte {@code i} is XORed with byte {@code i % 4} of a
 * 4-byte masking key. Masking and unmasking are the same operation; the methods are named after the way the
 * engine uses them ({@code unmask} in place for received frames, {@code mask} while copying outgoing payload).
 *
 * <h2>The key</h2>
 * The key is an {@code int} holding the four mask bytes as they appear on the wire, in network byte order:
 * wire byte 0 is the most significant byte of the {@code int} (as read by {@link ByteBuffer#getInt()} on a
 * big-endian buffer). For example the wire key {@code 37 fa 21 3d} is {@code 0x37fa213d}.
 *
 * <h2>Key offset</h2>
 * A payload may arrive in several pieces. {@code keyOffset} is the index, within the whole frame payload, of
 * the first byte being processed: unmasking pieces {@code [0, a)} with offset 0 and {@code [a, n)} with offset
 * {@code a} gives exactly the result of unmasking {@code [0, n)} at once. Only {@code keyOffset % 4} matters.
 *
 * <h2>Performance</h2>
 * The bulk of the work is done eight bytes at a time (a {@code long} made of the key twice, rotated for the
 * offset) through big-endian byte-array and byte-buffer view {@link VarHandle}s, with a scalar tail. Nothing is
 * allocated. Heap buffers are processed through their backing arrays.
 *
 * <h2>Threading</h2>
 * The class is stateless and its methods are thread-safe as such; the caller must not let another thread
 * touch the same bytes concurrently.
 */
public final class Masking {

    /** Unaligned big-endian 8-byte view of a {@code byte[]}; plain get/set are allowed at any index. */
    private static final VarHandle ARRAY_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * Big-endian 8-byte view of a {@link ByteBuffer} at absolute indexes, independent of the buffer's own
     * {@link ByteBuffer#order() order}, position and limit (indexes are checked against the limit).
     */
    private static final VarHandle BUFFER_LONG =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Masking() {
    }

    /**
     * Unmasks (equivalently, masks) {@code len} bytes of {@code buf} starting at {@code off}, in place.
     *
     * @param buf       the bytes
     * @param off       index of the first byte to process
     * @param len       number of bytes to process
     * @param key       the masking key, wire bytes in big-endian order
     * @param keyOffset index within the frame payload of {@code buf[off]}; must not be negative
     * @throws IndexOutOfBoundsException if {@code off}/{@code len} do not describe a range inside {@code buf}
     * @throws IllegalArgumentException  if {@code keyOffset} is negative
     */
    public static void unmask(byte[] buf, int off, int len, int key, long keyOffset) {
        Objects.checkFromIndexSize(off, len, buf.length);
        int rotated = rotateKey(key, keyOffset);
        xorArray(buf, off, len, rotated);
    }

    /**
     * Unmasks (equivalently, masks) {@code len} bytes of {@code buf} starting at absolute index {@code pos},
     * in place. Works on heap and direct buffers; position, limit, mark and byte order are left untouched.
     *
     * @param buf       the buffer; must be writable
     * @param pos       absolute index of the first byte to process
     * @param len       number of bytes to process
     * @param key       the masking key, wire bytes in big-endian order
     * @param keyOffset index within the frame payload of the byte at {@code pos}; must not be negative
     * @throws IndexOutOfBoundsException        if {@code [pos, pos + len)} is not within {@code [0, limit)}
     * @throws IllegalArgumentException         if {@code keyOffset} is negative
     * @throws java.nio.ReadOnlyBufferException if the buffer is read-only and {@code len > 0}
     */
    public static void unmask(ByteBuffer buf, int pos, int len, int key, long keyOffset) {
        Objects.checkFromIndexSize(pos, len, buf.limit());
        int rotated = rotateKey(key, keyOffset);
        if (len == 0) {
            return;
        }
        if (buf.hasArray()) {
            xorArray(buf.array(), buf.arrayOffset() + pos, len, rotated);
            return;
        }
        long wide = widen(rotated);
        int i = pos;
        int wideEnd = pos + (len & ~7);
        for (; i < wideEnd; i += 8) {
            BUFFER_LONG.set(buf, i, (long) BUFFER_LONG.get(buf, i) ^ wide);
        }
        // wideEnd - pos is a multiple of 8, so the key phase at the tail is that of the start.
        for (int j = 0; i < pos + len; i++, j++) {
            buf.put(i, (byte) (buf.get(i) ^ keyByte(rotated, j)));
        }
    }

    /**
     * Copies all {@link ByteBuffer#remaining() remaining} bytes of {@code src} into {@code dst}, masked with
     * {@code key} (the first byte copied is payload byte 0). Both positions advance by the number of bytes
     * copied. Heap and direct buffers may be combined freely. {@code src} and {@code dst} must not share
     * memory (unless they are the very same bytes, which gives an in-place mask).
     *
     * @param src the payload to mask
     * @param dst where the masked bytes go; must be writable
     * @param key the masking key, wire bytes in big-endian order
     * @throws BufferOverflowException if {@code dst} has fewer bytes remaining than {@code src}; nothing is
     *                                 copied and neither position moves
     * @throws java.nio.ReadOnlyBufferException if {@code dst} is read-only
     */
    public static void mask(ByteBuffer src, ByteBuffer dst, int key) {
        int len = src.remaining();
        if (dst.remaining() < len) {
            throw new BufferOverflowException();
        }
        if (dst.isReadOnly()) {
            throw new java.nio.ReadOnlyBufferException();
        }
        int sp = src.position();
        int dp = dst.position();
        if (src.hasArray() && dst.hasArray()) {
            xorCopyArray(src.array(), src.arrayOffset() + sp, dst.array(), dst.arrayOffset() + dp, len, key);
        } else {
            xorCopyBuffer(src, sp, dst, dp, len, key);
        }
        src.position(sp + len);
        dst.position(dp + len);
    }

    /** The key rotated so that its most significant byte applies to payload byte {@code keyOffset}. */
    private static int rotateKey(int key, long keyOffset) {
        if (keyOffset < 0) {
            throw new IllegalArgumentException("negative keyOffset: " + keyOffset);
        }
        return Integer.rotateLeft(key, ((int) keyOffset & 3) << 3);
    }

    /** The (rotated) key twice, as a big-endian long covering eight payload bytes. */
    private static long widen(int key) {
        return ((long) key << 32) | (key & 0xFFFF_FFFFL);
    }

    /** Byte {@code j % 4} of the (rotated) key, counting from the most significant byte. */
    private static int keyByte(int key, int j) {
        return key >>> (24 - ((j & 3) << 3));
    }

    private static void xorArray(byte[] buf, int off, int len, int key) {
        long wide = widen(key);
        int i = off;
        int wideEnd = off + (len & ~7);
        for (; i < wideEnd; i += 8) {
            ARRAY_LONG.set(buf, i, (long) ARRAY_LONG.get(buf, i) ^ wide);
        }
        for (int j = 0, end = off + len; i < end; i++, j++) {
            buf[i] ^= (byte) keyByte(key, j);
        }
    }

    private static void xorCopyArray(byte[] src, int sp, byte[] dst, int dp, int len, int key) {
        long wide = widen(key);
        int wideLen = len & ~7;
        int i = 0;
        for (; i < wideLen; i += 8) {
            ARRAY_LONG.set(dst, dp + i, (long) ARRAY_LONG.get(src, sp + i) ^ wide);
        }
        for (; i < len; i++) {
            dst[dp + i] = (byte) (src[sp + i] ^ keyByte(key, i));
        }
    }

    private static void xorCopyBuffer(ByteBuffer src, int sp, ByteBuffer dst, int dp, int len, int key) {
        long wide = widen(key);
        int wideLen = len & ~7;
        int i = 0;
        for (; i < wideLen; i += 8) {
            BUFFER_LONG.set(dst, dp + i, (long) BUFFER_LONG.get(src, sp + i) ^ wide);
        }
        for (; i < len; i++) {
            dst.put(dp + i, (byte) (src.get(sp + i) ^ keyByte(key, i)));
        }
    }
}
