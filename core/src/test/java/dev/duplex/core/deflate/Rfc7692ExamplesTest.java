package dev.duplex.core.deflate;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The examples of RFC 7692 section 7.2.3, byte for byte, through real engines. */
class Rfc7692ExamplesTest {
    private static final HexFormat HEX = HexFormat.of();

    private final DeflatePair pair = new DeflatePair(PerMessageDeflate.builder().compressionThreshold(0).build(),
            PerMessageDeflate.defaults());

    /** Server to client frames are unmasked, so the RFC's frames can be compared and fed as they are. */
    private byte[] serverSends(String text) {
        pair.server.sendText(text);
        return pair.server.outbound().drain();
    }

    private String clientReceives(String hexFrames) {
        int before = pair.clientEvents.messages.size();
        pair.client.receive(ByteBuffer.wrap(HEX.parseHex(hexFrames)));
        assertNull(pair.clientEvents.error, () -> "error: " + pair.clientEvents.error);
        assertEquals(before + 1, pair.clientEvents.messages.size());
        Recorder.Message m = pair.clientEvents.messages.get(before);
        return new String(m.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void section7231_helloIsCompressedAsTheRfcShows() {
        assertEquals("c107f248cdc9c90700", HEX.formatHex(serverSends("Hello")));
        assertEquals("Hello", clientReceives("c107f248cdc9c90700"));
    }

    @Test
    void section7231_fragmentedCompressedMessage() {
        assertEquals("Hello", clientReceives("4103f248cd" + "8004c9c90700"));
    }

    @Test
    void section7232_sharingTheWindowShrinksTheSecondHello() {
        assertEquals("c107f248cdc9c90700", HEX.formatHex(serverSends("Hello")));
        assertEquals("c105f200110000", HEX.formatHex(serverSends("Hello")));
        assertEquals("Hello", clientReceives("c107f248cdc9c90700"));
        assertEquals("Hello", clientReceives("c105f200110000"));
    }

    @Test
    void section7233_storedBlock() {
        assertEquals("Hello", clientReceives("c10b000500faff48656c6c6f00"));
    }

    @Test
    void section7234_finalBlockAndAMessageAfterIt() {
        assertEquals("Hello", clientReceives("c108f348cdc9c9070000"));
        assertEquals("Hello", clientReceives("c107f248cdc9c90700"));
    }

    @Test
    void section7235_twoBlocksInOneMessage() {
        assertEquals("Hello", clientReceives("c10df248050000" + "00ffffcac9c90700"));
    }

    @Test
    void section7236_emptyMessage() {
        assertEquals("c10100", HEX.formatHex(serverSends("")));
        assertEquals("", clientReceives("c10100"));
        assertEquals("", clientReceives("c1020200"));
    }
}
