package dev.duplex.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Incremental, fail-fast UTF-8 validation (RFC 3629), as RFC 6455 requires for text messages and close
 * reasons.
 *
 * <h2>What is invalid</h2>
 * A byte sequence is valid when it is the UTF-8 encoding of a sequence of Unicode scalar values, i.e. code
 * points U+0000..U+D7FF and U+E000..U+10FFFF, each in its shortest form. The validator therefore rejects:
 * overlong forms (for example {@code C0 80}, {@code E0 80 80}, {@code F0 80 80 80}); the bytes {@code C0},
 * {@code C1} and {@code F5}..{@code FF} anywhere (this covers the old 5- and 6-byte forms); encoded UTF-16
 * surrogates U+D800..U+DFFF ({@code ED A0 80}..{@code ED BF BF}); code points above U+10FFFF ({@code F4 90 80 80}
 * and up); a continuation byte ({@code 80}..{@code BF}) where no sequence is open; and a sequence cut short by a
 * byte that is not a continuation byte.
 *
 * <h2>Incremental use</h2>
 * A message may be fed in any number of pieces, split anywhere, even inside a code point. {@link #feed} returns
 * {@code false} as soon as the bytes seen so far can no longer be the start of valid UTF-8, that is on the call
 * whose bytes contain the first offending byte (fail fast); from then on the validator stays failed until
 * {@link #reset()}. It returns {@code true} while everything is valid so far, including when the input ends in
 * the middle of a code point that could still be completed. At the end of a message, {@link #isComplete()} says
 * whether the text is complete (no code point pending): a message is valid UTF-8 exactly when every
 * {@code feed} returned {@code true} and {@code isComplete()} is {@code true} afterwards.
 *
 * <h2>Implementation</h2>
 * A deterministic finite automaton in the style of Bjoern Hoehrmann's decoder: each byte is mapped to one of
 * twelve classes and the class drives a transition table of nine states (accept, reject, and seven "inside a
 * sequence" states). While the automaton is in the accept state, eight bytes at a time are tested for being
 * ASCII and skipped. {@code feed} allocates nothing.
 *
 * <h2>Threading</h2>
 * Instances are not thread-safe: use one per connection (or per message stream), confined to one thread at a
 * time. The static {@code isValid} methods are stateless and thread-safe.
 */
public final class Utf8Validator {

    // Byte classes. Continuations are split by the ranges that the second byte of E0, ED, F0 and F4 allow.
    private static final int C_ASCII = 0;      // 00..7F
    private static final int C_CONT_LOW = 1;   // 80..8F
    private static final int C_CONT_MID = 2;   // 90..9F
    private static final int C_CONT_HIGH = 3;  // A0..BF
    private static final int C_LEAD2 = 4;      // C2..DF
    private static final int C_E0 = 5;         // E0: second byte A0..BF (no overlongs)
    private static final int C_LEAD3 = 6;      // E1..EC, EE..EF
    private static final int C_ED = 7;         // ED: second byte 80..9F (no surrogates)
    private static final int C_F0 = 8;         // F0: second byte 90..BF (no overlongs)
    private static final int C_LEAD4 = 9;      // F1..F3
    private static final int C_F4 = 10;        // F4: second byte 80..8F (nothing above U+10FFFF)
    private static final int C_INVALID = 11;   // C0, C1, F5..FF
    private static final int CLASS_COUNT = 12;

    // States, pre-multiplied by CLASS_COUNT so that "state + class" indexes the transition table directly.
    private static final int ACCEPT = 0;
    private static final int REJECT = 1 * CLASS_COUNT;
    private static final int NEED1 = 2 * CLASS_COUNT;      // one continuation byte (any) to go
    private static final int NEED2 = 3 * CLASS_COUNT;      // two continuation bytes (any) to go
    private static final int NEED3 = 4 * CLASS_COUNT;      // three continuation bytes (any) to go
    private static final int AFTER_E0 = 5 * CLASS_COUNT;   // A0..BF, then one more
    private static final int AFTER_ED = 6 * CLASS_COUNT;   // 80..9F, then one more
    private static final int AFTER_F0 = 7 * CLASS_COUNT;   // 90..BF, then two more
    private static final int AFTER_F4 = 8 * CLASS_COUNT;   // 80..8F, then two more
    private static final int STATE_COUNT = 9;

    private static final byte[] CLASSES = new byte[256];
    private static final byte[] TRANSITIONS = new byte[STATE_COUNT * CLASS_COUNT];

    static {
        for (int b = 0; b < 256; b++) {
            int c;
            if (b < 0x80) {
                c = C_ASCII;
            } else if (b < 0x90) {
                c = C_CONT_LOW;
            } else if (b < 0xA0) {
                c = C_CONT_MID;
            } else if (b < 0xC0) {
                c = C_CONT_HIGH;
            } else if (b < 0xC2) {
                c = C_INVALID;
            } else if (b < 0xE0) {
                c = C_LEAD2;
            } else if (b == 0xE0) {
                c = C_E0;
            } else if (b == 0xED) {
                c = C_ED;
            } else if (b < 0xF0) {
                c = C_LEAD3;
            } else if (b == 0xF0) {
                c = C_F0;
            } else if (b < 0xF4) {
                c = C_LEAD4;
            } else if (b == 0xF4) {
                c = C_F4;
            } else {
                c = C_INVALID;
            }
            CLASSES[b] = (byte) c;
        }

        // Everything not listed below goes to REJECT, which never leaves.
        Arrays.fill(TRANSITIONS, (byte) REJECT);
        on(ACCEPT, C_ASCII, ACCEPT);
        on(ACCEPT, C_LEAD2, NEED1);
        on(ACCEPT, C_E0, AFTER_E0);
        on(ACCEPT, C_LEAD3, NEED2);
        on(ACCEPT, C_ED, AFTER_ED);
        on(ACCEPT, C_F0, AFTER_F0);
        on(ACCEPT, C_LEAD4, NEED3);
        on(ACCEPT, C_F4, AFTER_F4);
        for (int c : new int[] {C_CONT_LOW, C_CONT_MID, C_CONT_HIGH}) {
            on(NEED1, c, ACCEPT);
            on(NEED2, c, NEED1);
            on(NEED3, c, NEED2);
        }
        on(AFTER_E0, C_CONT_HIGH, NEED1);
        on(AFTER_ED, C_CONT_LOW, NEED1);
        on(AFTER_ED, C_CONT_MID, NEED1);
        on(AFTER_F0, C_CONT_MID, NEED2);
        on(AFTER_F0, C_CONT_HIGH, NEED2);
        on(AFTER_F4, C_CONT_LOW, NEED2);
    }

    private static void on(int state, int byteClass, int next) {
        TRANSITIONS[state + byteClass] = (byte) next;
    }

    /**
     * Eight bytes at a time, little-endian so that the lowest set high bit belongs to the byte at the lowest
     * address ({@link Long#numberOfTrailingZeros} finds the first non-ASCII byte).
     */
    private static final VarHandle ARRAY_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BUFFER_LONG =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    private int state = ACCEPT;

    /** A validator at the start of a message. */
    public Utf8Validator() {
    }

    /**
     * Validates the next {@code len} bytes of the message.
     *
     * @return {@code false} if the message is invalid (now or already before this call), {@code true} if
     *         everything fed so far is valid UTF-8 or a valid prefix of it
     * @throws IndexOutOfBoundsException if {@code off}/{@code len} do not describe a range inside {@code b}
     */
    public boolean feed(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        int s = state;
        if (s != REJECT) {
            s = run(b, off, off + len, s);
            state = s;
        }
        return s != REJECT;
    }

    /**
     * Validates the next {@code len} bytes of the message, taken from {@code buf} at absolute index {@code pos};
     * the buffer's position and limit do not change. Heap and direct buffers are both supported.
     *
     * @return {@code false} if the message is invalid (now or already before this call), {@code true} if
     *         everything fed so far is valid UTF-8 or a valid prefix of it
     * @throws IndexOutOfBoundsException if {@code [pos, pos + len)} is not within {@code [0, limit)}
     */
    public boolean feed(ByteBuffer buf, int pos, int len) {
        Objects.checkFromIndexSize(pos, len, buf.limit());
        int s = state;
        if (s != REJECT) {
            s = run(buf, pos, pos + len, s);
            state = s;
        }
        return s != REJECT;
    }

    /**
     * Whether no code point is pending: {@code true} at a point where a valid message may end. Always
     * {@code false} once the validator has failed.
     */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /** Whether an invalid sequence has been seen since construction or the last {@link #reset()}. */
    public boolean hasFailed() {
        return state == REJECT;
    }

    /** Forgets everything fed so far, to validate a new message. */
    public void reset() {
        state = ACCEPT;
    }

    /**
     * Whether {@code b[off..off+len)} is, on its own, complete and valid UTF-8.
     *
     * @throws IndexOutOfBoundsException if {@code off}/{@code len} do not describe a range inside {@code b}
     */
    public static boolean isValid(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        return run(b, off, off + len, ACCEPT) == ACCEPT;
    }

    /**
     * Whether the {@link ByteBuffer#remaining() remaining} bytes of {@code buf} (from position to limit) are,
     * on their own, complete and valid UTF-8. The buffer's position does not change.
     */
    public static boolean isValid(ByteBuffer buf) {
        return run(buf, buf.position(), buf.limit(), ACCEPT) == ACCEPT;
    }

    /** Runs the automaton over {@code b[i..end)}; returns the final state, or REJECT as soon as it is reached. */
    private static int run(byte[] b, int i, int end, int s) {
        final byte[] classes = CLASSES;
        final byte[] transitions = TRANSITIONS;
        while (i < end) {
            if (s == ACCEPT) {
                // ASCII fast path: skip 8-byte words of ASCII; in the first word that is not all ASCII, jump
                // straight to its first non-ASCII byte (little-endian view: lowest address = lowest bits).
                int wordEnd = end - 8;
                while (i <= wordEnd) {
                    long high = (long) ARRAY_LONG.get(b, i) & HIGH_BITS;
                    if (high != 0) {
                        i += Long.numberOfTrailingZeros(high) >>> 3;
                        break;
                    }
                    i += 8;
                }
                while (i < end && b[i] >= 0) {
                    i++;
                }
                if (i == end) {
                    break;
                }
            }
            s = transitions[s + classes[b[i] & 0xFF]];
            if (s == REJECT) {
                return REJECT;
            }
            i++;
        }
        return s;
    }

    private static int run(ByteBuffer buf, int i, int end, int s) {
        if (buf.hasArray()) {
            int base = buf.arrayOffset();
            return run(buf.array(), base + i, base + end, s);
        }
        final byte[] classes = CLASSES;
        final byte[] transitions = TRANSITIONS;
        while (i < end) {
            if (s == ACCEPT) {
                int wordEnd = end - 8;
                while (i <= wordEnd) {
                    long high = (long) BUFFER_LONG.get(buf, i) & HIGH_BITS;
                    if (high != 0) {
                        i += Long.numberOfTrailingZeros(high) >>> 3;
                        break;
                    }
                    i += 8;
                }
                while (i < end && buf.get(i) >= 0) {
                    i++;
                }
                if (i == end) {
                    break;
                }
            }
            s = transitions[s + classes[buf.get(i) & 0xFF]];
            if (s == REJECT) {
                return REJECT;
            }
            i++;
        }
        return s;
    }
}
