package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression: a transport that holds input it already took off the socket (TLS: whole records in its buffers) gets
 * no OP_READ for it. The connection used to leave such bytes unread after its per-wakeup read cap, or after a
 * backpressure pause and resume, so a wss peer's last bytes (the end of a 3 MiB message in TlsServerTest) sat
 * there until the peer timed out. The fake transport here hands out chunks from memory after the socket's only
 * byte, which makes both cases deterministic.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BufferedTransportInputTest {
    private final LinkedBlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    private EventLoop loop;
    private ServerSocketChannel listener;
    private SocketChannel client;
    private SocketChannel accepted;

    /** Reads the socket (to consume what woke the selector), then serves queued chunks as if decrypted. */
    static final class BufferingTransport implements Transport {
        private final ArrayDeque<byte[]> buffered = new ArrayDeque<>();
        private final PlainTransport plain;

        BufferingTransport(SocketChannel channel) {
            this.plain = new PlainTransport(channel);
        }

        /** The one difference from plain TCP: bytes come from {@link #buffered}, the socket only wakes us. */
        @Override
        public int read(ByteBuffer dst) throws IOException {
            int fromSocket = plain.read(ByteBuffer.allocate(1));
            if (fromSocket < 0) {
                return -1;
            }
            byte[] chunk = buffered.poll();
            if (chunk == null) {
                return 0;
            }
            dst.put(chunk);
            return chunk.length;
        }

        @Override
        public SocketChannel channel() {
            return plain.channel();
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return plain.write(srcs, offset, length);
        }

        @Override
        public boolean flushPending() {
            return plain.flushPending();
        }

        @Override
        public long pendingBytes() {
            return plain.pendingBytes();
        }

        @Override
        public boolean isReady() {
            return plain.isReady();
        }

        @Override
        public void closeOutbound() {
            plain.closeOutbound();
        }

        @Override
        public void close() {
            plain.close();
        }
    }

    /** Collects the bytes; optionally pauses reading after the first chunk and reports that. */
    static final class Collector implements ConnectionListener {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final CompletableFuture<Void> paused = new CompletableFuture<>();
        final CompletableFuture<byte[]> complete = new CompletableFuture<>();
        private final boolean pauseAfterFirst;
        private final int expected;

        Collector(int expected, boolean pauseAfterFirst) {
            this.expected = expected;
            this.pauseAfterFirst = pauseAfterFirst;
        }

        @Override
        public void onHandshakeData(Connection c, ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            got.writeBytes(b);
            if (pauseAfterFirst && !paused.isDone()) {
                c.pauseReading();
                paused.complete(null);
            }
            if (got.size() >= expected) {
                complete.complete(got.toByteArray());
            }
        }

        @Override
        public void onClosed(Connection c, Throwable cause) {
            complete.completeExceptionally(new AssertionError("closed", cause));
        }
    }

    @BeforeEach
    void connect() throws Exception {
        loop = new EventLoop("buffered-input", errors::add);
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        client = SocketChannel.open(listener.getLocalAddress());
        accepted = listener.accept();
        accepted.configureBlocking(false);
    }

    @AfterEach
    void close() throws Exception {
        loop.shutdown();
        assertTrue(loop.awaitTermination(5, TimeUnit.SECONDS));
        client.close();
        listener.close();
        assertTrue(errors.isEmpty(), () -> "loop errors: " + errors);
    }

    private static byte[] expected(BufferingTransport t, int chunks) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < chunks; i++) {
            byte[] chunk = new byte[100];
            java.util.Arrays.fill(chunk, (byte) i);
            t.buffered.add(chunk);
            all.writeBytes(chunk);
        }
        return all.toByteArray();
    }

    @Test
    void inputBufferedPastTheReadCapIsStillDelivered() throws Exception {
        BufferingTransport transport = new BufferingTransport(accepted);
        byte[] all = expected(transport, 50); // more than the 16 reads per wakeup
        Collector collector = new Collector(all.length, false);
        Connection connection = new Connection(loop, transport, collector);
        loop.execute(connection::start);
        client.write(ByteBuffer.wrap(new byte[] {1})); // the socket's only byte: one OP_READ
        assertArrayEquals(all, collector.complete.get(10, TimeUnit.SECONDS));
    }

    @Test
    void inputBufferedDuringAPauseIsDeliveredAfterResume() throws Exception {
        BufferingTransport transport = new BufferingTransport(accepted);
        byte[] all = expected(transport, 5);
        Collector collector = new Collector(all.length, true);
        Connection connection = new Connection(loop, transport, collector);
        loop.execute(connection::start);
        client.write(ByteBuffer.wrap(new byte[] {1}));
        collector.paused.get(10, TimeUnit.SECONDS);
        loop.execute(connection::resumeReading);
        assertArrayEquals(all, collector.complete.get(10, TimeUnit.SECONDS));
    }
}
