package dev.duplex.core.deflate;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves that a window below 15 bits is honoured: zlib (through {@code /usr/bin/python3}, or {@code DUPLEX_PYTHON}) inflates our output
 * with {@code wbits = -bits}, one output byte per call, so any back-reference further than 2^bits bytes fails
 * with "invalid distance too far back". A negative control shows the oracle catches a too-wide window.
 */
class WindowBitsTest {

    /** Decompresses each message with zlib's window-limited raw inflater; prints OK or the zlib error. */
    private static final String ORACLE = String.join("\n",
            "import sys, zlib",
            "bits = int(sys.argv[1]); data = open(sys.argv[2], 'rb').read(); expected = open(sys.argv[3], 'rb').read()",
            "d = zlib.decompressobj(-bits); out = bytearray(); pos = 0",
            "try:",
            "    for part in data.split(b'\\n--msg--\\n'):",
            "        buf = part + b'\\x00\\x00\\xff\\xff'",
            "        while buf:",
            "            out += d.decompress(buf, 1); buf = d.unconsumed_tail",
            "        while True:",
            "            more = d.decompress(b'', 1)",
            "            if not more: break",
            "            out += more",
            "    print('OK' if bytes(out) == expected else 'MISMATCH %d %d' % (len(out), len(expected)))",
            "except zlib.error as e:",
            "    print('ZLIB', e)");

    /** Text with repeats at every distance up to 32 KiB, so an unlimited window would use far references. */
    private static byte[] farRepeats(int size, long seed) {
        Random random = new Random(seed);
        byte[] words = new byte[4096];
        for (int i = 0; i < words.length; i++) {
            words[i] = (byte) ('a' + random.nextInt(26));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < size) {
            int from = random.nextInt(words.length - 64);
            out.write(words, from, 16 + random.nextInt(48));
        }
        return out.toByteArray();
    }

    /**
     * Python 3 for the oracle. Core does not use testkit (it builds and tests alone), so this applies testkit's
     * missing-peer rule itself: skip, or fail when DUPLEX_REQUIRE_PEERS=1 (as CI sets).
     */
    private static String python3() {
        String env = System.getenv("DUPLEX_PYTHON");
        String python = env != null && !env.isBlank() ? env : "/usr/bin/python3";
        if (!Files.isExecutable(Path.of(python))) {
            String message = "Python 3 is missing (" + python + "); install it with 'apt-get install python3'";
            if ("1".equals(System.getenv("DUPLEX_REQUIRE_PEERS"))) {
                throw new AssertionError(message + " (DUPLEX_REQUIRE_PEERS=1)");
            }
            Assumptions.abort("SKIPPED: " + message + ". Set DUPLEX_REQUIRE_PEERS=1 to fail instead.");
        }
        return python;
    }

    private static String oracle(int bits, List<byte[]> compressedMessages, byte[] expected)
            throws IOException, InterruptedException {
        String python = python3();
        Path dir = Files.createTempDirectory("window-bits");
        try {
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (int i = 0; i < compressedMessages.size(); i++) {
                if (i > 0) {
                    joined.write("\n--msg--\n".getBytes(StandardCharsets.US_ASCII));
                }
                joined.write(compressedMessages.get(i));
            }
            Path data = Files.write(dir.resolve("data"), joined.toByteArray());
            Path want = Files.write(dir.resolve("expected"), expected);
            Path script = Files.writeString(dir.resolve("oracle.py"), ORACLE);
            Process p = new ProcessBuilder(python, script.toString(), Integer.toString(bits),
                    data.toString(), want.toString()).redirectErrorStream(true).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python oracle timed out");
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.delete(dir);
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {8, 9, 10, 12, 14, 15})
    void compressedDataNeverReachesFurtherBackThanTheWindow(int bits) throws Exception {
        // several messages with context takeover, so references may also cross message boundaries
        MessageCompressor compressor = new MessageCompressor(9, bits, false, null);
        List<byte[]> messages = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int m = 0; m < 4; m++) {
            byte[] text = farRepeats(20_000 + 7_000 * m, bits * 31L + m);
            all.write(text);
            messages.add(Recorder.bytes(compressor.compress(ByteBuffer.wrap(text), true)));
        }
        compressor.release();
        int compressed = messages.stream().mapToInt(b -> b.length).sum();
        // below 10 bits the restarts every 2^bits / 2 bytes cost a block header each (see MessageCompressor)
        assertTrue(compressed < all.size() * (bits < 10 ? 0.9 : 0.75), "compressed " + compressed + " of " + all.size());
        assertEquals("OK", oracle(bits, messages, all.toByteArray()));
    }

    @Test
    void theOracleRejectsAStreamThatUsesAWiderWindow() throws Exception {
        byte[] text = farRepeats(20_000, 1);
        Deflater full = new Deflater(9, true);
        full.setInput(text);
        byte[] out = new byte[40_000];
        int n = full.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        full.end();
        byte[] stripped = java.util.Arrays.copyOf(out, n - 4);
        assertTrue(oracle(8, List.of(stripped), text).startsWith("ZLIB"), "window-8 oracle must fail");
        assertEquals("OK", oracle(15, List.of(stripped), text));
    }
}
