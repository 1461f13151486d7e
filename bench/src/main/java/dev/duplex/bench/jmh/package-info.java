/**
 * JMH micro-benchmarks of duplex's hot paths, built into {@code bench/target/benchmarks.jar}.
 *
 * <p>Conventions for benchmarks in this package (kernels now, frame encoding/decoding later):
 * <ul>
 *   <li>one class per subject, named {@code <Subject>Benchmark} ({@code MaskingBenchmark}, {@code Utf8Benchmark};
 *       frame reader/writer benchmarks go beside them as e.g. {@code FrameReaderBenchmark});</li>
 *   <li>payload sizes as a {@code size} {@link org.openjdk.jmh.annotations.Param} in bytes, throughput mode in
 *       operations per microsecond, so that GB/s = score &times; size / 1000;</li>
 *   <li>inputs are built deterministically in a {@code @Setup} method (fixed seeds) so runs are comparable;</li>
 *   <li>results and the exact command go into {@code docs/benchmarks.md}.</li>
 * </ul>
 * Run with, for example, {@code java -jar bench/target/benchmarks.jar Masking -f 1 -wi 2 -w 2s -i 3 -r 2s}.
 */
package dev.duplex.bench.jmh;
