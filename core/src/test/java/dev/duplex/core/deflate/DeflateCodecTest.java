package dev.duplex.core.deflate;

import dev.duplex.core.CloseCodes;
import dev.duplex.core.EngineConfig;
import dev.duplex.core.WebSocketEngine;
import dev.duplex.core.extension.Extension;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour of the codec on a connection: thresholds, context takeover, limits, corrupt data, memory. */
class DeflateCodecTest {
    private static final byte[] JSON = ("{\"id\":1234,\"type\":\"quote\",\"symbol\":\"ACME\",\"bid\":101.25,"
            + "\"ask\":101.5,\"venue\":\"XNAS\",\"tags\":[\"a\",\"b\",\"c\"]}").getBytes(StandardCharsets.UTF_8);

    private static int firstFrameByte(byte[] wire) {
        return wire[0] & 0xFF;
    }

    /** Payload length of a single unmasked server frame with a 7-bit or 16-bit length. */
    private static int payloadLength(byte[] wire) {
        int len = wire[1] & 0x7F;
        return len == 126 ? ((wire[2] & 0xFF) << 8) | (wire[3] & 0xFF) : len;
    }

    @Test
    void messagesBelowTheThresholdGoOutWithoutRsv1() {
        DeflatePair pair = new DeflatePair(PerMessageDeflate.builder().compressionThreshold(100).build(),
                PerMessageDeflate.defaults());
        pair.server.sendText("short");
        byte[] small = pair.server.outbound().drain();
        assertEquals(0x81, firstFrameByte(small));
        assertEquals("short", new String(small, 2, 5, StandardCharsets.US_ASCII));
        pair.server.sendBinary(ByteBuffer.wrap(new byte[100]));
        assertEquals(0xC2, firstFrameByte(pair.server.outbound().drain()));
        pair.client.receive(ByteBuffer.wrap(small));
        assertEquals("short", new String(pair.clientEvents.messages.get(0).bytes(), StandardCharsets.UTF_8));
    }

    @Test
    void contextTakeoverShrinksARepeatedMessageAndNoContextTakeoverDoesNot() {
        DeflatePair keep = new DeflatePair(PerMessageDeflate.defaults(), PerMessageDeflate.defaults());
        keep.server.sendBinary(ByteBuffer.wrap(JSON));
        int first = payloadLength(keep.server.outbound().drain());
        keep.server.sendBinary(ByteBuffer.wrap(JSON));
        int second = payloadLength(keep.server.outbound().drain());
        assertTrue(second < first / 3, first + " then " + second);

        DeflatePair reset = new DeflatePair(PerMessageDeflate.builder().serverNoContextTakeover(true).build(),
                PerMessageDeflate.defaults());
        reset.server.sendBinary(ByteBuffer.wrap(JSON));
        byte[] a = reset.server.outbound().drain();
        reset.server.sendBinary(ByteBuffer.wrap(JSON));
        byte[] b = reset.server.outbound().drain();
        assertArrayEquals(a, b);
        assertEquals(first, payloadLength(a));
    }

    @Test
    void clientRequestForServerNoContextTakeoverResetsTheServerCompressor() {
        DeflatePair pair = new DeflatePair(PerMessageDeflate.defaults(),
                PerMessageDeflate.builder().serverNoContextTakeover(true).build());
        pair.server.sendBinary(ByteBuffer.wrap(JSON));
        byte[] a = pair.server.outbound().drain();
        pair.server.sendBinary(ByteBuffer.wrap(JSON));
        assertArrayEquals(a, pair.server.outbound().drain());
    }

    @Test
    void corruptCompressedDataFailsWith1007() {
        DeflatePair pair = new DeflatePair(PerMessageDeflate.defaults(), PerMessageDeflate.defaults());
        pair.client.receive(ByteBuffer.wrap(HexFormat.of().parseHex("c103ffffff")));
        assertNotNull(pair.clientEvents.error);
        assertEquals(CloseCodes.INVALID_PAYLOAD, pair.clientEvents.error.closeCode());
        assertEquals(WebSocketEngine.State.CLOSED, pair.client.state());
        assertFalse(pair.clientExtension.holdsNativeState(), "released when the connection failed");
    }

    @Test
    void invalidUtf8InsideACompressedTextMessageFailsWith1007() {
        DeflatePair pair = new DeflatePair(PerMessageDeflate.builder().compressionThreshold(0).build(),
                PerMessageDeflate.defaults());
        pair.server.sendBinary(ByteBuffer.wrap(new byte[]{(byte) 0xC3, 0x28}));
        byte[] wire = pair.server.outbound().drain();
        wire[0] = (byte) 0xC1; // the same compressed bytes, now claiming to be text
        pair.client.receive(ByteBuffer.wrap(wire));
        assertEquals(CloseCodes.INVALID_PAYLOAD, pair.clientEvents.error.closeCode());
    }

    /** 64 MiB of zeros deflate to about 64 KiB; against a 1 MiB limit it must stop at once with 1009. */
    @Test
    void compressionBombFailsWith1009AfterAtMostTheLimitPlusOneStep() {
        byte[] bomb = deflateZeros(64 << 20);
        assertTrue(bomb.length < 100_000, "bomb is " + bomb.length + " bytes");
        long limit = 1 << 20;
        EngineConfig config = EngineConfig.builder().maxMessageSize(limit).streaming(true).build();
        DeflatePair pair = new DeflatePair(PerMessageDeflate.defaults(), PerMessageDeflate.defaults(), config,
                EngineConfig.defaults());
        byte[] frame = maskedFrame(0xC2, bomb);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> pair.server.receive(ByteBuffer.wrap(frame)));
        assertNotNull(pair.serverEvents.error);
        assertEquals(CloseCodes.MESSAGE_TOO_BIG, pair.serverEvents.error.closeCode());
        assertTrue(pair.serverEvents.streamedBytes <= limit, "delivered " + pair.serverEvents.streamedBytes);
    }

    @Test
    void theInflaterProducesAtMostOneStepBeyondWhatTheSinkAccepted() {
        byte[] bomb = deflateZeros(64 << 20);
        MessageDecompressor decompressor = new MessageDecompressor(false, null);
        long limit = 100_000;
        long[] offered = {0};
        assertThrows(IllegalStateException.class, () -> decompressor.decompress(ByteBuffer.wrap(bomb), true,
                piece -> {
                    offered[0] += piece.remaining();
                    if (offered[0] > limit) {
                        throw new IllegalStateException("over the limit");
                    }
                }));
        assertTrue(offered[0] <= limit + MessageDecompressor.STEP, "inflated " + offered[0]);
        decompressor.release();
    }

    @Test
    void dropPolicyHoldsNoNativeStateBetweenMessagesAndRetainDoes() {
        PerMessageDeflate dropping = PerMessageDeflate.builder().serverNoContextTakeover(true)
                .clientNoContextTakeover(true).memoryPolicy(PerMessageDeflate.MemoryPolicy.RELEASE_WHEN_IDLE)
                .compressionThreshold(0).build();
        DeflatePair pair = new DeflatePair(dropping, PerMessageDeflate.defaults());
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                pair.response.toHeaderValue());
        for (int i = 0; i < 3; i++) {
            pair.server.sendBinary(ByteBuffer.wrap(JSON));
            pair.client.sendBinary(ByteBuffer.wrap(JSON));
            pair.clientToServer(null);
            pair.serverToClient(null);
            assertFalse(pair.serverExtension.holdsNativeState(), "server holds native state after message " + i);
        }
        assertEquals(3, pair.serverEvents.messages.size());
        assertEquals(3, pair.clientEvents.messages.size());
        assertArrayEquals(JSON, pair.serverEvents.messages.get(2).bytes());
        assertTrue(pair.clientExtension.holdsNativeState(), "RETAIN keeps its Deflater and Inflater");
    }

    @Test
    void dropPolicyReusesPooledNativesAcrossConnections() {
        PerMessageDeflate dropping = PerMessageDeflate.builder().serverNoContextTakeover(true)
                .clientNoContextTakeover(true).memoryPolicy(PerMessageDeflate.MemoryPolicy.RELEASE_WHEN_IDLE)
                .idlePoolSize(1).build();
        NativePool pool = new NativePool(6, 1);
        MessageCompressor a = new MessageCompressor(6, 15, true, pool);
        MessageCompressor b = new MessageCompressor(6, 15, true, pool);
        byte[] first = bytes(a.compress(ByteBuffer.wrap(JSON), true));
        assertEquals(1, pool.idle());
        assertArrayEquals(first, bytes(b.compress(ByteBuffer.wrap(JSON), true)), "a reset pooled deflater");
        assertEquals(1, pool.idle());
        assertEquals(PerMessageDeflate.MemoryPolicy.RELEASE_WHEN_IDLE, dropping.memoryPolicy());
    }

    @Test
    void releaseIsIdempotentAndLaterUseFailsClearly() {
        DeflatePair pair = new DeflatePair(PerMessageDeflate.defaults(), PerMessageDeflate.defaults());
        Extension ext = pair.serverExtension;
        ext.encode(ByteBuffer.wrap(JSON), true);
        ext.release();
        ext.release();
        assertFalse(pair.serverExtension.holdsNativeState());
        assertThrows(IllegalStateException.class, () -> ext.encode(ByteBuffer.wrap(JSON), true));
    }

    @Test
    void controlFramesStayUncompressedOnACompressedConnection() {
        DeflatePair pair = new DeflatePair(PerMessageDeflate.builder().compressionThreshold(0).build(),
                PerMessageDeflate.defaults());
        pair.server.ping(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("8903616263", HexFormat.of().formatHex(pair.server.outbound().drain()));
    }

    static byte[] deflateZeros(int size) {
        Deflater d = new Deflater(9, true);
        byte[] zeros = new byte[1 << 20];
        byte[] out = new byte[size / 500 + 1024];
        int n = 0;
        for (int fed = 0; fed < size; fed += zeros.length) {
            d.setInput(zeros);
            while (!d.needsInput()) {
                n += d.deflate(out, n, out.length - n, Deflater.NO_FLUSH);
            }
        }
        n += d.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
        d.end();
        byte[] result = new byte[n - 4];
        System.arraycopy(out, 0, result, 0, n - 4);
        return result;
    }

    /** A client frame with the given first byte and a zero masking key (so the payload is unchanged). */
    static byte[] maskedFrame(int firstByte, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(payload.length + 14);
        b.put((byte) firstByte);
        if (payload.length < 126) {
            b.put((byte) (0x80 | payload.length));
        } else if (payload.length < 65536) {
            b.put((byte) (0x80 | 126)).putShort((short) payload.length);
        } else {
            b.put((byte) (0x80 | 127)).putLong(payload.length);
        }
        b.putInt(0).put(payload);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static byte[] bytes(ByteBuffer b) {
        return Recorder.bytes(b);
    }

    @Test
    void holdsNoStateBeforeTheFirstMessageUnderTheDropPolicy() {
        PerMessageDeflate dropping = PerMessageDeflate.builder().serverNoContextTakeover(true)
                .clientNoContextTakeover(true).memoryPolicy(PerMessageDeflate.MemoryPolicy.RELEASE_WHEN_IDLE).build();
        DeflatePair pair = new DeflatePair(dropping, PerMessageDeflate.defaults());
        assertFalse(pair.serverExtension.holdsNativeState());
        assertNull(pair.serverEvents.error);
    }
}
