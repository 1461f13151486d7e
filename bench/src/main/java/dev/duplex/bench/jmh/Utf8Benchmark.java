package dev.duplex.bench.jmh;

import dev.duplex.core.internal.Utf8Validator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * UTF-8 validation throughput against the JDK decoding the same bytes into a {@link String} (which validates
 * as a side effect and is what an application that wants the text pays anyway).
 *
 * <p>{@code text}: {@code ascii} is printable ASCII only; {@code mixed} has 10% of its characters outside
 * ASCII (a mix of 2-, 3- and 4-byte encodings), the rest ASCII letters and spaces. Every input is exactly
 * {@code size} bytes of complete, valid UTF-8. Scores are operations per microsecond over one input, so
 * GB/s = score &times; size / 1000.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Utf8Benchmark {

    @Param({"ascii", "mixed"})
    public String text;

    @Param({"4096", "65536"})
    public int size;

    private byte[] bytes;
    private ByteBuffer direct;
    private final Utf8Validator validator = new Utf8Validator();

    @Setup
    public void setUp() {
        bytes = makeText(text, size);
        if (!Utf8Validator.isValid(bytes, 0, bytes.length)) {
            throw new IllegalStateException("benchmark input is not valid UTF-8");
        }
        direct = ByteBuffer.allocateDirect(size);
        direct.put(bytes).flip();
    }

    static byte[] makeText(String kind, int size) {
        SplittableRandom r = new SplittableRandom(7);
        byte[] out = new byte[size];
        int n = 0;
        while (true) {
            int cp;
            if (kind.equals("mixed") && r.nextInt(10) == 0) {
                cp = switch (r.nextInt(3)) {
                    case 0 -> 0xC0 + r.nextInt(0x180);        // Latin-1 Supplement / Latin Extended: 2 bytes
                    case 1 -> 0x4E00 + r.nextInt(0x5000);     // CJK: 3 bytes
                    default -> 0x1F600 + r.nextInt(0x50);     // emoji: 4 bytes
                };
            } else {
                cp = r.nextInt(6) == 0 ? ' ' : 'a' + r.nextInt(26);
            }
            byte[] enc = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            if (n + enc.length > size) {
                break;
            }
            System.arraycopy(enc, 0, out, n, enc.length);
            n += enc.length;
        }
        while (n < size) {
            out[n++] = 'x'; // pad to exactly size bytes
        }
        return out;
    }

    @Benchmark
    public boolean validateHeapArray() {
        return Utf8Validator.isValid(bytes, 0, bytes.length);
    }

    @Benchmark
    public boolean validateDirectBuffer() {
        return Utf8Validator.isValid(direct);
    }

    /** The way the engine uses it: a reused instance, reset per message. */
    @Benchmark
    public boolean feedReusedInstance() {
        validator.reset();
        return validator.feed(bytes, 0, bytes.length) && validator.isComplete();
    }

    @Benchmark
    public String jdkNewString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
