package dev.duplex.bench.jmh;

import dev.duplex.core.deflate.PerMessageDeflate;
import dev.duplex.core.extension.Extension;
import dev.duplex.core.handshake.ExtensionOffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resident memory per idle permessage-deflate connection (not a JMH benchmark: zlib allocates with malloc, which
 * neither the heap nor NativeMemoryTracking sees, so this reads VmRSS from /proc). For each configuration it
 * creates N server-side extensions, pushes one ~1 KiB message through each one's compressor and decompressor
 * (zlib allocates its windows lazily), and reports (RSS after - RSS before) / N. Run with a fixed, pre-touched
 * heap so heap growth does not count:
 * {@code java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -cp bench/target/benchmarks.jar
 * dev.duplex.bench.jmh.DeflateMemoryProbe 1000 <config 0-10> <message bytes>}
 */
public final class DeflateMemoryProbe {

    /** Arguments: connections, configuration index (0-10), message size in bytes. One configuration per JVM. */
    public static void main(String[] args) throws IOException {
        int n = Integer.parseInt(args[0]);
        int config = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        byte[] unit = PerMessageDeflateBenchmark.json().getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[size];
        for (int i = 0; i < size; i++) {
            message[i] = unit[i % unit.length];
        }
        if (config < 9) {
            int level = new int[]{1, 6, 9}[config / 3];
            int bits = new int[]{9, 12, 15}[config % 3];
            probe("level=" + level + " server_max_window_bits=" + bits, PerMessageDeflate.builder()
                    .compressionLevel(level).serverMaxWindowBits(bits).build(), n, message);
        } else if (config == 9) {
            probe("level=6 no_context_takeover RETAIN", PerMessageDeflate.builder()
                    .serverNoContextTakeover(true).clientNoContextTakeover(true).build(), n, message);
        } else {
            probe("level=6 no_context_takeover RELEASE_WHEN_IDLE", PerMessageDeflate.builder()
                    .serverNoContextTakeover(true).clientNoContextTakeover(true)
                    .memoryPolicy(PerMessageDeflate.MemoryPolicy.RELEASE_WHEN_IDLE).build(), n, message);
        }
    }

    private static void probe(String label, PerMessageDeflate factory, int n, byte[] json) throws IOException {
        // what a peer without context takeover would send: decodable by any fresh inflater
        Extension peer = factory.serverAccept(List.of(ExtensionOffer.of(PerMessageDeflate.NAME))).orElseThrow()
                .extension();
        byte[] compressed = bytes(peer.encode(ByteBuffer.wrap(json), true));
        peer.release();
        System.gc();
        long before = rssKiB();
        List<Extension> connections = new ArrayList<>(n);
        int wire = 0;
        for (int i = 0; i < n; i++) {
            Extension e = factory.serverAccept(List.of(ExtensionOffer.of(PerMessageDeflate.NAME))).orElseThrow()
                    .extension();
            wire = e.encode(ByteBuffer.wrap(json), true).remaining();
            e.decode(ByteBuffer.wrap(compressed), true, piece -> { });
            connections.add(e);
        }
        long after = rssKiB();
        System.out.printf("%-48s msg=%6d B  %8.1f KiB/conn  wire=%d B%n", label, json.length,
                (after - before) / (double) n, wire);
        connections.forEach(Extension::release);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
