package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The access log: with the {@code dev.duplex.net.access} logger at DEBUG (FINE in java.util.logging, System.Logger's
 * default backend), one record per HTTP answer and per upgrade, written before the answer; nothing when it is off.
 */
@Timeout(30)
class AccessLogTest {
    private final Logger jul = Logger.getLogger(AccessLog.NAME);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private WebSocketServer server;

    @AfterEach
    void tearDown() {
        jul.removeHandler(capture);
        jul.setLevel(null);
        if (server != null) {
            server.stop();
        }
    }

    private void start() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .endpoint("/echo", new Endpoint() {
                })
                .http("/ok", request -> HttpReply.text(200, "fine"))
                .build().start();
    }

    @Test
    void oneLinePerAnswerAndUpgradeWhenOn() throws Exception {
        jul.setLevel(Level.FINE);
        jul.addHandler(capture);
        start();
        assertTrue(exchange("GET /ok?q=1 HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200"));
        assertTrue(exchange("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 404"));
        assertTrue(exchange("NOT HTTP AT ALL\r\n\r\n").startsWith("HTTP/1.1 400"));
        assertTrue(exchange("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .startsWith("HTTP/1.1 101"));
        assertTrue(waitFor(() -> lines.size() == 5), lines::toString); // the close comes after the socket ends
        assertEquals(5, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches("127\\.0\\.0\\.1:\\d+ GET /ok 200 \\d+\\.\\dms"), lines.get(0));
        assertTrue(lines.get(1).matches("127\\.0\\.0\\.1:\\d+ GET /missing 404 \\d+\\.\\dms"), lines.get(1));
        assertTrue(lines.get(2).matches("127\\.0\\.0\\.1:\\d+ - - 400 \\d+\\.\\dms"), lines.get(2));
        assertTrue(lines.get(3).matches("127\\.0\\.0\\.1:\\d+ GET /echo 101 \\d+\\.\\dms"), lines.get(3));
        String port = lines.get(3).substring(0, lines.get(3).indexOf(' '));
        assertTrue(lines.get(4).matches(java.util.regex.Pattern.quote(port) + " CLOSE /echo 1006 \\d+\\.\\dms"),
                "the raw client just hangs up: " + lines.get(4));
    }

    @Test
    void nothingWhenOff() throws Exception {
        jul.setLevel(Level.INFO);
        jul.addHandler(capture);
        start();
        assertTrue(exchange("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200"));
        assertEquals(List.of(), lines);
    }

    @Test
    void theStatusIsReadFromTheStatusLine() {
        assertEquals(431, AccessLog.statusOf(ByteBuffer.wrap(
                "HTTP/1.1 431 Too Large\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(0, AccessLog.statusOf(ByteBuffer.wrap("HTTP/1.1".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(0, AccessLog.statusOf(ByteBuffer.wrap("HTTP/1.1 2x0 ".getBytes(StandardCharsets.US_ASCII))));
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    /** Sends {@code request} and returns the head of the answer (up to the blank line). */
    private String exchange(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            int c;
            while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
                head.append((char) c);
            }
            return head.toString();
        }
    }
}
