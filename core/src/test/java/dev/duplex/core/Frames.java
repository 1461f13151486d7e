package dev.duplex.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Builds raw frames byte by byte for tests, including ones our own writer would never produce. */
final class Frames {
    private Frames() {
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    /** A frame with the given first byte; masked with {@code key} when {@code masked}. */
    static byte[] frame(int firstByte, byte[] payload, boolean masked, int key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        int maskBit = masked ? 0x80 : 0;
        int n = payload.length;
        if (n < 126) {
            out.write(maskBit | n);
        } else if (n <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) n >> shift));
            }
        }
        if (masked) {
            out.write(key >>> 24);
            out.write(key >>> 16);
            out.write(key >>> 8);
            out.write(key);
            for (int i = 0; i < n; i++) {
                out.write(payload[i] ^ (key >>> (24 - 8 * (i & 3))));
            }
        } else {
            out.write(payload, 0, n);
        }
        return out.toByteArray();
    }

    /** A frame as a client sends it (masked). */
    static byte[] client(int firstByte, byte[] payload) {
        return frame(firstByte, payload, true, 0x37fa213d);
    }

    /** A frame as a server sends it (unmasked). */
    static byte[] server(int firstByte, byte[] payload) {
        return frame(firstByte, payload, false, 0);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] closePayload(int code, String reason) {
        byte[] r = utf8(reason);
        return ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }
}
