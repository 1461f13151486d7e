package dev.duplex.core.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseParserTest {

    static final String SAMPLE = "HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            + "Sec-WebSocket-Protocol: chat\r\n"
            + "\r\n";

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void parsesTheRfcSampleResponse() {
        HttpResponse response = new ResponseParser().feed(bytes(SAMPLE));
        assertNotNull(response);
        assertEquals("HTTP/1.1", response.httpVersion());
        assertEquals(101, response.status());
        assertEquals("Switching Protocols", response.reason());
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", response.headers().first("sec-websocket-accept"));
    }

    @Test
    void reasonMayBeEmptyOrMissing() {
        assertEquals("", new ResponseParser().feed(bytes("HTTP/1.1 404 \r\n\r\n")).reason());
        assertEquals("", new ResponseParser().feed(bytes("HTTP/1.1 404\r\n\r\n")).reason());
        assertEquals("Not  Found here", new ResponseParser().feed(bytes("HTTP/1.1 404 Not  Found here\n\n")).reason());
    }

    @Test
    void randomSplitsGiveTheSameResultAndLeaveFramesInTheBuffer() {
        byte[] head = SAMPLE.getBytes(StandardCharsets.ISO_8859_1);
        byte[] data = new byte[head.length + 3];
        System.arraycopy(head, 0, data, 0, head.length);
        data[head.length] = (byte) 0x81;
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            ResponseParser parser = new ResponseParser();
            int pos = 0;
            HttpResponse response = null;
            while (response == null) {
                int n = 1 + random.nextInt(data.length - pos);
                ByteBuffer chunk = ByteBuffer.wrap(data, pos, n);
                response = parser.feed(chunk);
                pos = chunk.position();
            }
            assertEquals(head.length, pos);
            assertEquals(101, response.status());
            assertEquals(4, response.headers().size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "HTTP/1.1 10 Short\r\n\r\n",
            "HTTP/1.1 1011 Long\r\n\r\n",
            "HTTP/1.1 abc Nope\r\n\r\n",
            "HTTP/1.1 099 Low\r\n\r\n",
            "HTTP/1.1\r\n\r\n",
            "HTTP/11 101 X\r\n\r\n",
            "ICY 200 OK\r\n\r\n",
            "HTTP/1.1 101 Bad\u0001Reason\r\n\r\n",
            "HTTP/1.1 101 OK\r\nUpgrade : websocket\r\n\r\n",
            "HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n folded\r\n\r\n",
    })
    void malformedResponsesAre502(String head) {
        HandshakeException e = assertThrows(HandshakeException.class, () -> new ResponseParser().feed(bytes(head)));
        assertEquals(502, e.httpStatus());
    }

    @Test
    void limitsApply() {
        ByteBuffer big = bytes("HTTP/1.1 101 OK\r\nX: " + "a".repeat(10_000) + "\r\n\r\n");
        ResponseParser parser = new ResponseParser();
        HandshakeException e = assertThrows(HandshakeException.class, () -> parser.feed(big));
        assertEquals(502, e.httpStatus());
        assertTrue(e.getMessage().contains("8192"), e.getMessage());
        assertEquals(8192, big.position());
        assertTrue(parser.bufferCapacity() <= 8192);

        ResponseParser few = new ResponseParser(8192, 1);
        assertNull(few.feed(bytes("HTTP/1.1 101 OK\r\nA: 1\r\n")));
        assertThrows(HandshakeException.class, () -> few.feed(bytes("B: 2\r\n\r\n")));
    }
}
