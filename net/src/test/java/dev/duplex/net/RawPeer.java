package dev.duplex.net;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The server end of one test connection, driven by hand with blocking I/O: handshake, frames, close. */
final class RawPeer implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    Map<String, String> requestHeaders;
    String requestLine;

    RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    /** Reads an HTTP head (request line plus headers, names lower-cased). */
    Map<String, String> readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in HTTP head");
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        requestLine = lines[0];
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        requestHeaders = headers;
        return headers;
    }

    static String accept(String key) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the upgrade request and answers 101 with the right Accept, plus {@code extraHeaders} lines. */
    void acceptUpgrade(String... extraHeaders) throws IOException {
        readHead();
        StringBuilder sb = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept(requestHeaders.get("sec-websocket-key")) + "\r\n");
        for (String h : extraHeaders) {
            sb.append(h).append("\r\n");
        }
        writeAscii(sb.append("\r\n").toString());
    }

    void writeAscii(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Writes one unmasked (or, to break the rules, masked) frame. */
    void writeFrame(int opcode, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x80 | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            f.write(maskBit | payload.length);
        } else {
            f.write(maskBit | 126);
            f.write(payload.length >> 8);
            f.write(payload.length);
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] key = {1, 2, 3, 4};
            f.write(key);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= key[i & 3];
            }
        }
        f.write(body);
        out.write(f.toByteArray());
        out.flush();
    }

    void writeText(String s) throws IOException {
        writeFrame(1, s.getBytes(StandardCharsets.UTF_8), false);
    }

    void writeClose(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        writeFrame(8, p, false);
    }

    /** A frame from the client: checks it is masked and unmasks it. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    Frame readFrame() throws IOException {
        return readFrame(in);
    }

    static Frame readFrame(InputStream stream) throws IOException {
        DataInputStream d = new DataInputStream(stream);
        int b0 = d.readUnsignedByte();
        int b1 = d.readUnsignedByte();
        if ((b1 & 0x80) == 0) {
            throw new IOException("client frame not masked");
        }
        long len = b1 & 0x7F;
        if (len == 126) {
            len = d.readUnsignedShort();
        } else if (len == 127) {
            len = d.readLong();
        }
        byte[] key = new byte[4];
        d.readFully(key);
        byte[] payload = new byte[(int) len];
        d.readFully(payload);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= key[i & 3];
        }
        return new Frame(b0 & 0x0F, payload);
    }

    /** True if the client closed TCP (EOF) within the socket timeout. */
    boolean awaitEof() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
