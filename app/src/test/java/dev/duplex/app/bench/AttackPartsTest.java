package dev.duplex.app.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pieces of the attack modes that need no network: the close-frame scanner, the slowloris head, the partial frame. */
class AttackPartsTest {

    private static byte[] serverFrame(int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xFF);
        } else {
            out.write(127);
            out.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    @Test
    void scannerSkipsDataFramesOfEveryLengthFormAndFindsTheCloseCode() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(serverFrame(0x2, new byte[10]));
        stream.writeBytes(serverFrame(0x1, new byte[300]));
        stream.writeBytes(serverFrame(0x2, new byte[70_000]));
        stream.writeBytes(serverFrame(0x9, new byte[0]));
        stream.writeBytes(serverFrame(0x8, new byte[] {0x03, (byte) 0xF5, 'b', 'y', 'e'})); // 1013
        byte[] all = stream.toByteArray();
        // whole, and one byte at a time (every header and the code split across feeds)
        assertEquals(1013, new CloseFrameScanner().feed(ByteBuffer.wrap(all)));
        CloseFrameScanner scanner = new CloseFrameScanner();
        int result = CloseFrameScanner.NONE;
        for (int i = 0; i < all.length && result == CloseFrameScanner.NONE; i++) {
            result = scanner.feed(ByteBuffer.wrap(all, i, 1));
            if (i < all.length - 4) {
                assertEquals(CloseFrameScanner.NONE, result, "no close before byte " + i);
            }
        }
        assertEquals(1013, result);
        assertEquals(1013, scanner.result());
    }

    @Test
    void aCloseFrameWithoutCodeIs1005AndDataAloneIsNone() {
        assertEquals(CloseFrameScanner.NO_CODE, new CloseFrameScanner().feed(ByteBuffer.wrap(serverFrame(0x8, new byte[0]))));
        assertEquals(CloseFrameScanner.NONE, new CloseFrameScanner().feed(ByteBuffer.wrap(serverFrame(0x2, new byte[200]))));
    }

    @Test
    void slowlorisHeadIsTheRequestWithoutItsEndThenEndlessHeaderLines() {
        byte[] request = "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        SlowlorisHead head = new SlowlorisHead(request);
        StringBuilder sent = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            ByteBuffer step = head.next();
            assertEquals(SlowlorisHead.STEP, step.remaining());
            sent.append(StandardCharsets.US_ASCII.decode(step));
        }
        String text = sent.toString();
        assertTrue(text.startsWith("GET /echo HTTP/1.1\r\nHost: x\r\nX-Slowloris-1: x\r\nX-Slowloris-2: x\r\n"), text);
        assertFalse(text.contains("\r\n\r\n"), text);
        assertThrows(IllegalArgumentException.class, () -> new SlowlorisHead("GET / HTTP/1.1\r\n".getBytes()));
    }

    @Test
    void partialFrameAnnouncesTheSizeAndLacksTheLastByte() {
        ByteBuffer frame = AttackRun.partialFrame(300);
        assertEquals(MaskedFrames.frameLength(300) - 1, frame.remaining());
        assertEquals((byte) 0x82, frame.get(0), "FIN + binary");
        assertEquals((byte) (0x80 | 126), frame.get(1), "masked, 16-bit length");
        assertEquals(300, frame.getShort(2) & 0xFFFF);
        assertTrue(frame.isReadOnly());
    }
}
