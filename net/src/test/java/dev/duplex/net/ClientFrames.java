package dev.duplex.net;

import java.io.ByteArrayOutputStream;

/** Client frames of any size for raw-socket tests: masked, any opcode, with or without the whole payload. */
final class ClientFrames {
    private static final byte[] MASK = {7, 1, 3, 5};

    private ClientFrames() {
    }

    /** The header of a masked frame announcing {@code length} payload bytes. */
    static byte[] header(int opcode, boolean fin, long length) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        if (length < 126) {
            f.write(0x80 | (int) length);
        } else if (length <= 0xFFFF) {
            f.write(0x80 | 126);
            f.write((int) (length >> 8));
            f.write((int) length);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) (length >> (8 * i)));
            }
        }
        f.writeBytes(MASK);
        return f.toByteArray();
    }

    /** A whole masked frame with FIN. */
    static byte[] frame(int opcode, byte[] payload) {
        return partial(opcode, payload.length, payload);
    }

    /** A masked frame header announcing {@code announced} bytes followed by {@code payload} (maybe fewer). */
    static byte[] partial(int opcode, long announced, byte[] payload) {
        byte[] head = header(opcode, true, announced);
        byte[] out = new byte[head.length + payload.length];
        System.arraycopy(head, 0, out, 0, head.length);
        for (int i = 0; i < payload.length; i++) {
            out[head.length + i] = (byte) (payload[i] ^ MASK[i % 4]);
        }
        return out;
    }
}
