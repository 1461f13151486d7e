package dev.duplex.core;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OutboundBuffer#discardUnstarted()}: the backlog goes, a frame already partly written stays whole, and
 * what follows (a close frame) is a valid frame right after it; input state for the server's memory accounting.
 */
class OutboundDiscardTest {

    /** Writes up to {@code n} queued bytes the way a transport does (gather, consume, reclaim); returns them. */
    private static byte[] write(OutboundBuffer out, int n) {
        ByteBuffer[] gather = new ByteBuffer[64];
        int count = out.gather(gather);
        ByteBuffer taken = ByteBuffer.allocate(n);
        for (int i = 0; i < count && taken.hasRemaining(); i++) {
            ByteBuffer b = gather[i];
            int k = Math.min(b.remaining(), taken.remaining());
            ByteBuffer slice = b.duplicate();
            slice.limit(slice.position() + k);
            taken.put(slice);
            b.position(b.position() + k);
        }
        out.reclaim();
        return Arrays.copyOf(taken.array(), taken.position());
    }

    @Test
    void keepsThePartlyWrittenFrameAndDropsTheRest() {
        OutboundBuffer out = new OutboundBuffer(new BufferPool(16 * 1024, 8, false));
        WebSocketEngine engine = new WebSocketEngine(Role.SERVER, new RecordingHandler(), out);
        byte[] a = new byte[300];
        Arrays.fill(a, (byte) 'a');
        for (int i = 0; i < 200; i++) {
            engine.sendBinary(ByteBuffer.wrap(a)); // 304 bytes a frame, many frames a chunk, many chunks
        }
        long queued = out.size();
        byte[] head = write(out, 304 * 3 + 100); // three frames and part of the fourth
        long dropped = out.discardUnstarted();
        assertEquals(304 - 100, out.size(), "the rest of the fourth frame stays");
        assertEquals(queued - head.length - (304 - 100), dropped);
        engine.close(CloseCodes.TRY_AGAIN_LATER, "slow consumer");
        byte[] rest = out.drain();
        byte[] stream = Frames.concat(head, rest);
        EngineFixture client = EngineFixture.client().feed(stream);
        assertEquals(4, client.events().stream().filter(e -> e.startsWith("binary")).count(), client.events().toString());
        assertTrue(client.events().get(client.events().size() - 1).contains("1013"), client.events().toString());
    }

    @Test
    void nothingStartedMeansEverythingGoes() {
        OutboundBuffer out = new OutboundBuffer(BufferPool.heap());
        WebSocketEngine engine = new WebSocketEngine(Role.SERVER, new RecordingHandler(), out);
        engine.sendText("one");
        engine.sendEncoded(EncodedFrame.text("shared"));
        engine.sendBinary(ByteBuffer.allocate(70_000)); // a 64-bit length frame in its own chunk
        assertEquals(out.size(), out.discardUnstarted());
        assertTrue(out.isEmpty());
        assertEquals(0, out.discardUnstarted());
    }

    @Test
    void aPartlyWrittenSharedOrLargeFrameIsKeptWhole() {
        OutboundBuffer out = new OutboundBuffer(BufferPool.heap());
        WebSocketEngine engine = new WebSocketEngine(Role.SERVER, new RecordingHandler(), out);
        engine.sendEncoded(EncodedFrame.text("x".repeat(1000)));
        engine.sendText("dropped");
        byte[] head = write(out, 10);
        out.discardUnstarted();
        assertEquals(1004 - 10, out.size());
        engine.sendBinary(ByteBuffer.allocate(70_000));
        byte[] head2 = write(out, 1004 - 10 + 500);
        out.discardUnstarted();
        assertEquals(70_010 - 500, out.size(), "the large frame's rest stays");
        byte[] stream = Frames.concat(head, head2, out.drain());
        EngineFixture client = EngineFixture.client().feed(stream);
        assertEquals(2, client.events().size(), client.events().toString());
    }

    @Test
    void inputStateForMemoryAccounting() {
        EngineFixture server = EngineFixture.server();
        assertFalse(server.engine.isReceivingMessage());
        assertEquals(0, server.engine.bufferedInputBytes());
        byte[] frame = Frames.client(0x82, new byte[1000]);
        server.feed(Arrays.copyOf(frame, 1));
        assertTrue(server.engine.isReceivingMessage(), "mid-header");
        server.feed(Arrays.copyOfRange(frame, 1, 500));
        assertTrue(server.engine.isReceivingMessage(), "mid-payload");
        assertTrue(server.engine.bufferedInputBytes() >= 500 - 8, "the partial payload is buffered");
        server.feed(Arrays.copyOfRange(frame, 500, frame.length));
        assertFalse(server.engine.isReceivingMessage());
        server.feed(Frames.client(0x02, new byte[10])); // a fragmented message's first frame
        assertTrue(server.engine.isReceivingMessage(), "between fragments");
    }

    /** A message stopped midway by a close frame, the end of the transport or a protocol error frees its buffer. */
    @Test
    void theBufferOfAnUnfinishedMessageGoesWhenInputEnds() {
        byte[] fragment = Frames.client(0x02, new byte[30_000]); // the first fragment of a message, not the last
        EngineFixture closed = EngineFixture.server().feed(fragment);
        assertTrue(closed.engine.bufferedInputBytes() >= 30_000, "the first fragment is buffered");
        closed.feed(Frames.client(0x88, Frames.closePayload(1000, "")));
        assertEquals(0, closed.engine.bufferedInputBytes(), "after the peer's close");

        EngineFixture eof = EngineFixture.server().feed(Arrays.copyOf(Frames.client(0x82, new byte[100_000]), 60_000));
        assertTrue(eof.engine.bufferedInputBytes() >= 50_000, "the partial payload is buffered");
        eof.engine.receiveEof();
        assertEquals(0, eof.engine.bufferedInputBytes(), "after the end of the transport");

        EngineFixture failed = EngineFixture.server().feed(fragment);
        failed.feed(Frames.client(0x82, new byte[10])); // a new message inside a fragmented one: 1002
        assertEquals(0, failed.engine.bufferedInputBytes(), "after a protocol error");
    }
}
