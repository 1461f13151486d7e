package dev.duplex.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that floods and never reads is closed for its write timeout; the server must not then go on reading (and
 * discarding) its flood at full speed for the whole close timeout, which costs a core per few such peers.
 */
@Timeout(60)
class ShedFlooderTest {

    @Test
    void aFlooderClosedForItsWriteTimeoutIsNotReadDuringTheClose() throws Exception {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .writeTimeout(Duration.ofMillis(400)).closeTimeout(Duration.ofSeconds(2))
                .endpoint("/ws", new Endpoint() {
                    @Override
                    public void onBinary(ServerSession session, ByteBuffer data) {
                        session.send(data);
                    }
                }).build().start();
        RawClient client = new RawClient(server.port(), 4096).upgrade("/ws");
        try {
            byte[] frame = ClientFrames.frame(0x2, new byte[16 * 1024]);
            Thread flood = new Thread(() -> {
                try {
                    while (true) {
                        client.send(frame);
                    }
                } catch (IOException e) {
                    // the server dropped the connection
                }
            }, "flooder");
            flood.setDaemon(true);
            flood.start();
            awaitTrue(() -> server.metrics().writeTimeouts() == 1, "the write timeout");
            long atTimeout = server.metrics().bytesIn();
            awaitTrue(() -> server.metrics().openConnections() == 0, "the connection dropped");
            long readDuringClose = server.metrics().bytesIn() - atTimeout;
            assertTrue(readDuringClose < 4 << 20, readDuringClose + " bytes read after the write timeout");
            assertEquals(1, server.metrics().writeTimeouts());
        } finally {
            client.close();
            server.stop();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // a poll with a deadline
        }
    }
}
