package dev.duplex.bench.jmh;

import dev.duplex.core.internal.Masking;
import java.nio.ByteBuffer;
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
 * RFC 6455 masking throughput. Scores are operations per microsecond over one payload of {@code size} bytes,
 * so bytes per second = score &times; size &times; 10<sup>6</sup>, i.e. GB/s = score &times; size / 1000.
 *
 * <p>{@code unmask*} work in place (the receive path); {@code maskCopy*} copy a heap payload into a buffer
 * while masking (the client send path); {@code bytewiseBaseline} is the naive one-byte-at-a-time loop, for
 * comparison only.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MaskingBenchmark {

    private static final int KEY = 0x37fa213d;

    @Param({"64", "4096", "65536"})
    public int size;

    private byte[] array;
    private ByteBuffer direct;
    private ByteBuffer heapSource;
    private ByteBuffer directTarget;

    @Setup
    public void setUp() {
        array = new byte[size];
        new SplittableRandom(1).nextBytes(array);
        direct = ByteBuffer.allocateDirect(size);
        direct.put(array).clear();
        heapSource = ByteBuffer.wrap(array.clone());
        directTarget = ByteBuffer.allocateDirect(size);
    }

    @Benchmark
    public byte[] unmaskHeapArray() {
        Masking.unmask(array, 0, size, KEY, 0);
        return array;
    }

    /** Starts at payload offset 1 and array index 1: a rotated key and an unaligned start. */
    @Benchmark
    public byte[] unmaskHeapArrayUnaligned() {
        Masking.unmask(array, 1, size - 1, KEY, 1);
        return array;
    }

    @Benchmark
    public ByteBuffer unmaskDirectBuffer() {
        Masking.unmask(direct, 0, size, KEY, 0);
        return direct;
    }

    @Benchmark
    public ByteBuffer maskCopyHeapToDirect() {
        heapSource.clear();
        directTarget.clear();
        Masking.mask(heapSource, directTarget, KEY);
        return directTarget;
    }

    @Benchmark
    public byte[] bytewiseBaseline() {
        byte[] a = array;
        int key = KEY;
        for (int i = 0; i < a.length; i++) {
            a[i] ^= (byte) (key >>> (24 - ((i & 3) << 3)));
        }
        return a;
    }
}
