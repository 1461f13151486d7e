package dev.duplex.net;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A hand-driven blocking socket for hostile and byte-exact tests; every read has a timeout. */
final class RawClient implements AutoCloseable {
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    final Socket socket;
    final InputStream in;
    final OutputStream out;

    RawClient(int port) throws IOException {
        this(port, 0);
    }

    /** @param receiveBuffer SO_RCVBUF to ask for before connecting, 0 for the default */
    RawClient(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    static String upgradeRequest(String path, String... extraHeaderLines) {
        StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n");
        for (String line : extraHeaderLines) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    void send(String ascii) throws IOException {
        out.write(ascii.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    void send(byte... bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the response head (up to the empty line) and returns it. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0D0A0D0A) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Everything until the server closes. */
    String readAll() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** One HTTP answer: the head (status line and fields) and the body of its Content-Length. */
    record Response(String head, byte[] body) {
        int status() {
            return Integer.parseInt(head.substring(9, 12));
        }

        /** The first value of a header, or null. */
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }
    }

    /** Reads one answer; {@code noBody}: the request was HEAD or the status has none, so Content-Length is not read. */
    Response readResponse(boolean noBody) throws IOException {
        String head = readHead();
        Response r = new Response(head, new byte[0]);
        String length = r.header("Content-Length");
        if (noBody || length == null) {
            return r;
        }
        return new Response(head, in.readNBytes(Integer.parseInt(length)));
    }

    /** Completes an upgrade on {@code path}; fails unless the answer is 101. */
    RawClient upgrade(String path) throws IOException {
        send(upgradeRequest(path));
        String head = readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new AssertionError("not upgraded: " + head);
        }
        return this;
    }

    /** One unmasked server frame: opcode and payload. */
    record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    Frame readFrame() throws IOException {
        DataInputStream data = new DataInputStream(in);
        int b0 = data.readUnsignedByte();
        int b1 = data.readUnsignedByte();
        long len = b1 & 0x7F;
        if (len == 126) {
            len = data.readUnsignedShort();
        } else if (len == 127) {
            len = data.readLong();
        }
        byte[] payload = new byte[(int) len];
        data.readFully(payload);
        return new Frame(b0 & 0x0F, payload);
    }

    /** A masked client frame with FIN set. */
    void sendFrame(int opcode, byte[] payload) throws IOException {
        byte[] mask = {1, 2, 3, 4};
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x80 | opcode);
        f.write(0x80 | payload.length); // tests send short payloads only
        f.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i % 4]);
        }
        send(f.toByteArray());
    }

    /** True when the server closed the connection (EOF or reset) before the socket's read timeout. */
    boolean awaitServerClose() throws IOException {
        try {
            byte[] sink = new byte[8192];
            while (in.read(sink) >= 0) {
                // discard whatever is still in flight
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    /** Closes with a TCP reset instead of a FIN: an abrupt drop. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
