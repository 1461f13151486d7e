package dev.duplex.net.deflate;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A hand-driven blocking client that speaks just enough permessage-deflate (context takeover, 15-bit windows) to
 * check what the server puts on the wire: RSV1 on compressed frames, and the inflated payloads. Reads time out.
 */
final class DeflateRawClient implements AutoCloseable {
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Inflater inflater = new Inflater(true);
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    /** The 101 response head. */
    final String head;

    /** One server frame: RSV1 (compressed), opcode and the payload as it arrived. */
    record Frame(boolean rsv1, int opcode, byte[] payload) {
        int closeCode() {
            return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    /**
     * Connects and sends the upgrade request; {@code extensionsHeader} null sends no Sec-WebSocket-Extensions.
     * {@link #head} is the response head, 101 or not.
     */
    DeflateRawClient(int port, String path, String extensionsHeader, String... extraHeaderLines) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + (extensionsHeader == null ? "" : "Sec-WebSocket-Extensions: " + extensionsHeader + "\r\n")
                + String.join("", java.util.Arrays.stream(extraHeaderLines).map(l -> l + "\r\n").toList()) + "\r\n";
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0D0A0D0A) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            h.write(b);
            last4 = (last4 << 8) | b;
        }
        head = h.toString(StandardCharsets.ISO_8859_1);
    }

    /** The value of the response's Sec-WebSocket-Extensions header, or null. */
    String extensionsHeader() {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Extensions")) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7F;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(len)];
        in.readFully(payload);
        return new Frame((b0 & 0x40) != 0, b0 & 0x0F, payload);
    }

    /** The frame's payload, inflated if it is compressed (the connection's shared window). */
    byte[] inflate(Frame frame) throws DataFormatException {
        if (!frame.rsv1()) {
            return frame.payload();
        }
        byte[] input = new byte[frame.payload().length + TAIL.length];
        System.arraycopy(frame.payload(), 0, input, 0, frame.payload().length);
        System.arraycopy(TAIL, 0, input, frame.payload().length, TAIL.length);
        inflater.setInput(input);
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        while (!inflater.needsInput()) {
            int n = inflater.inflate(buf);
            result.write(buf, 0, n);
            if (n == 0 && inflater.needsInput()) {
                break;
            }
        }
        return result.toByteArray();
    }

    /** Raw DEFLATE of {@code data}, sync-flushed, without the 00 00 FF FF tail (RFC 7692 section 7.2.1). */
    byte[] deflate(byte[] data) {
        deflater.setInput(data);
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            result.write(buf, 0, n);
        } while (n == buf.length);
        byte[] all = result.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - TAIL.length);
    }

    /** Sends one masked, final frame; {@code rsv1} marks it compressed. */
    void sendFrame(boolean rsv1, int opcode, byte[] payload) throws IOException {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(0x80 | (rsv1 ? 0x40 : 0) | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) payload.length >>> shift));
            }
        }
        f.writeBytes(mask);
        byte[] masked = payload.clone();
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= mask[i & 3];
        }
        f.writeBytes(masked);
        out.write(f.toByteArray());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        deflater.end();
        socket.close();
    }
}
