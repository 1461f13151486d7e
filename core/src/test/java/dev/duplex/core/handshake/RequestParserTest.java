package dev.duplex.core.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestParserTest {

    static final String SAMPLE = "GET /chat?room=1&x=%20 HTTP/1.1\r\n"
            + "Host: server.example.com\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Origin: http://example.com\r\n"
            + "Sec-WebSocket-Protocol: chat, superchat\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Cookie: a=1; b=\"two\"; a=ignored\r\n"
            + "Cookie: c = 3 ;novalue; =x\r\n"
            + "\r\n";

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static HttpRequest parse(String s) {
        HttpRequest request = new RequestParser().feed(bytes(s));
        assertNotNull(request, "incomplete: " + s);
        return request;
    }

    static HandshakeException failure(String s) {
        return assertThrows(HandshakeException.class, () -> new RequestParser().feed(bytes(s)));
    }

    @Test
    void parsesTheRfcSampleRequest() {
        HttpRequest request = parse(SAMPLE);
        assertEquals("GET", request.method());
        assertEquals("/chat?room=1&x=%20", request.target());
        assertEquals("/chat", request.path());
        assertEquals("room=1&x=%20", request.query());
        assertEquals("HTTP/1.1", request.httpVersion());
        assertEquals(1, request.versionMajor());
        assertEquals(1, request.versionMinor());
        assertEquals("server.example.com", request.headers().first("host"));
        assertEquals("chat, superchat", request.headers().first("Sec-WebSocket-Protocol"));
        assertEquals(Map.of("a", "1", "b", "two", "c", "3"), request.cookies());
        assertEquals(List.of("a", "b", "c"), List.copyOf(request.cookies().keySet()));
    }

    @Test
    void pathAndQueryForOtherTargetForms() {
        assertNull(parse("GET / HTTP/1.1\r\n\r\n").query());
        assertEquals("", parse("GET /p? HTTP/1.1\r\n\r\n").query());
        HttpRequest absolute = parse("GET http://h.example:81/a/b?q=1 HTTP/1.1\r\n\r\n");
        assertEquals("/a/b", absolute.path());
        assertEquals("q=1", absolute.query());
        assertEquals("/", parse("GET ws://h.example HTTP/1.1\r\n\r\n").path());
        assertEquals("*", parse("OPTIONS * HTTP/1.1\r\n\r\n").path());
    }

    @Test
    void byteByByteAndRandomSplitsGiveTheSameResult() {
        HttpRequest whole = parse(SAMPLE);
        byte[] data = SAMPLE.getBytes(StandardCharsets.ISO_8859_1);
        RequestParser oneByOne = new RequestParser();
        HttpRequest result = null;
        for (int i = 0; i < data.length; i++) {
            assertNull(result, "completed early at " + i);
            result = oneByOne.feed(ByteBuffer.wrap(data, i, 1));
        }
        assertSame(result, oneByOne.feed(bytes("more")));
        assertEquals(whole.toString(), result.toString());

        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            RequestParser parser = new RequestParser();
            int pos = 0;
            HttpRequest r = null;
            while (pos < data.length) {
                int n = 1 + random.nextInt(data.length - pos);
                ByteBuffer chunk = ByteBuffer.wrap(data, pos, n);
                r = parser.feed(chunk);
                assertEquals(0, chunk.remaining());
                pos += n;
            }
            assertNotNull(r);
            assertEquals(whole.headers(), r.headers());
            assertEquals(whole.target(), r.target());
        }
    }

    @Test
    void bytesAfterTheHeadStayInTheBuffer() {
        byte[] frame = {(byte) 0x81, (byte) 0x85, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        byte[] head = SAMPLE.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buffer = ByteBuffer.allocate(head.length + frame.length + 10);
        buffer.position(10);
        buffer.put(head).put(frame).flip().position(10);
        RequestParser parser = new RequestParser();
        assertNotNull(parser.feed(buffer));
        assertEquals(10 + head.length, buffer.position());
        assertEquals(frame.length, buffer.remaining());
        assertEquals((byte) 0x81, buffer.get(buffer.position()));
        assertNotNull(parser.feed(buffer));
        assertEquals(frame.length, buffer.remaining(), "a complete parser consumes nothing more");
    }

    @Test
    void bareLfIsAcceptedLeniently() {
        HttpRequest request = parse("GET /x HTTP/1.1\nHost: h\r\nA:  b \t\n\n");
        assertEquals("h", request.headers().first("Host"));
        assertEquals("b", request.headers().first("A"));
    }

    @Test
    void leadingEmptyLinesAreSkipped() {
        assertEquals("/x", parse("\r\n\r\nGET /x HTTP/1.1\r\n\r\n").target());
    }

    @Test
    void valuesAreOwsTrimmedAndMayBeEmpty() {
        HttpHeaders headers = parse("GET / HTTP/1.1\r\nA:\t  v  w \t\r\nB:\r\nC:x\r\n\r\n").headers();
        assertEquals("v  w", headers.first("a"));
        assertEquals("", headers.first("b"));
        assertEquals("x", headers.first("c"));
    }

    @Test
    void obsFoldIsRejected() {
        HandshakeException e = failure("GET / HTTP/1.1\r\nX-Long: a\r\n  continued\r\n\r\n");
        assertEquals(400, e.httpStatus());
        assertTrue(e.getMessage().contains("folding"), e.getMessage());
        assertEquals(400, failure("GET / HTTP/1.1\r\nX-Long: a\r\n\tcontinued\r\n\r\n").httpStatus());
        assertEquals(400, failure("GET / HTTP/1.1\r\n folded: a\r\n\r\n").httpStatus());
    }

    @Test
    void whitespaceBeforeColonIsRejected() {
        HandshakeException e = failure("GET / HTTP/1.1\r\nHost : h\r\n\r\n");
        assertEquals(400, e.httpStatus());
        assertTrue(e.getMessage().contains("Host"), e.getMessage());
        assertEquals(400, failure("GET / HTTP/1.1\r\nHost\t: h\r\n\r\n").httpStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET / HTTP/1.1\r\nBad(Name): v\r\n\r\n",
            "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
            "GET / HTTP/1.1\r\n: empty name\r\n\r\n",
            "GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n",
            "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
            "GET / HTTP/1.1\r\nX: a\u007fb\r\n\r\n",
            "GET / HTTP/1.1\r\nX\u00e9: v\r\n\r\n",
            "GET /  HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1 \r\n\r\n",
            "GET/ HTTP/1.1\r\n\r\n",
            "GET /\r\n\r\n",
            "G(T / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.10\r\n\r\n",
            "GET / http/1.1\r\n\r\n",
            "GET / HTTP/x.1\r\n\r\n",
            "GET /\u00e9 HTTP/1.1\r\n\r\n",
            "GET /\u0001 HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\rHost: x\r\n\r\n",
            " GET / HTTP/1.1\r\n\r\n",
    })
    void malformedHeadsAre400(String head) {
        assertEquals(400, failure(head).httpStatus());
    }

    @Test
    void malformedRequestLineFailsBeforeTheHeadEnds() {
        RequestParser parser = new RequestParser();
        assertThrows(HandshakeException.class, () -> parser.feed(bytes("GET  / HTTP/1.1\r\n")));
        assertThrows(IllegalStateException.class, () -> parser.feed(bytes("\r\n")));
    }

    @Test
    void otherVersionsAndMethodsParse() {
        assertEquals("HTTP/1.0", parse("POST /x HTTP/1.0\r\n\r\n").httpVersion());
        assertEquals(2, parse("GET / HTTP/2.0\r\n\r\n").versionMajor());
    }

    @Test
    void headOfExactlyTheLimitIsAccepted() {
        String prefix = "GET / HTTP/1.1\r\nX: ";
        String head = prefix + "a".repeat(8192 - prefix.length() - 4) + "\r\n\r\n";
        assertEquals(8192, head.length());
        assertNotNull(new RequestParser().feed(bytes(head)));
    }

    @Test
    void headOverTheLimitIs431WithoutConsumingMore() {
        String prefix = "GET / HTTP/1.1\r\nX: ";
        String head = prefix + "a".repeat(8192 - prefix.length() - 3) + "\r\n\r\n";
        assertEquals(8193, head.length());
        ByteBuffer buffer = bytes(head + "tail");
        RequestParser parser = new RequestParser();
        HandshakeException e = assertThrows(HandshakeException.class, () -> parser.feed(buffer));
        assertEquals(431, e.httpStatus());
        assertEquals(8192, buffer.position(), "stops at the limit");
        assertTrue(parser.bufferCapacity() <= 8192);
    }

    @Test
    void endlessHeaderIs431AsSoonAsTheLimitIsCrossed() {
        RequestParser parser = new RequestParser(1024, 100);
        assertNull(parser.feed(bytes("GET / HTTP/1.1\r\nX: ")));
        byte[] chunk = "a".repeat(100).getBytes(StandardCharsets.ISO_8859_1);
        int fed = 19;
        HandshakeException e = null;
        while (e == null) {
            ByteBuffer buffer = ByteBuffer.wrap(chunk);
            try {
                assertNull(parser.feed(buffer));
                fed += chunk.length;
                assertTrue(fed <= 1024);
            } catch (HandshakeException thrown) {
                e = thrown;
                fed += buffer.position();
            }
        }
        assertEquals(431, e.httpStatus());
        assertEquals(1024, fed);
        assertTrue(e.getMessage().contains("1024"), e.getMessage());
    }

    @Test
    void requestLineAloneTooLongIs414() {
        ByteBuffer buffer = bytes("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n\r\n");
        HandshakeException e = assertThrows(HandshakeException.class, () -> new RequestParser().feed(buffer));
        assertEquals(414, e.httpStatus());
        assertEquals(8192, buffer.position());
    }

    @Test
    void fieldCountLimit() {
        StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\n");
        for (int i = 0; i < 100; i++) {
            head.append("X").append(i).append(": v\r\n");
        }
        assertEquals(100, parse(head + "\r\n").headers().size());
        HandshakeException e = failure(head + "X100: v\r\n\r\n");
        assertEquals(431, e.httpStatus());
        assertTrue(e.getMessage().contains("100 header fields"), e.getMessage());

        RequestParser parser = new RequestParser(8192, 2);
        ByteBuffer buffer = bytes("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n");
        assertThrows(HandshakeException.class, () -> parser.feed(buffer));
        assertEquals("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC".length(), buffer.position(),
                "fails at the first byte of the field over the limit");
    }

    @Test
    void limitsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new RequestParser(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new RequestParser(10, -1));
    }
}
