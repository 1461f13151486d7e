package dev.duplex.core.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClientHandshakeTest {

    private static ClientHandshake handshake(String uri) {
        return new ClientHandshake(URI.create(uri), null, null, null, new Random(1));
    }

    private static HttpRequest sent(ClientHandshake handshake) {
        return new RequestParser().feed(ByteBuffer.wrap(handshake.request()));
    }

    @Test
    void rendersTheUpgradeRequest() {
        ClientHandshake handshake = new ClientHandshake(URI.create("ws://example.com/chat?x=1"),
                List.of("chat", "superchat"),
                List.of(ExtensionOffer.of("permessage-deflate", ExtensionParam.of("client_max_window_bits"))),
                HttpHeaders.of("Origin", "http://example.com"), new Random(1));
        String text = new String(handshake.request(), StandardCharsets.ISO_8859_1);
        assertEquals("GET /chat?x=1 HTTP/1.1\r\n"
                + "Host: example.com\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + handshake.key() + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: chat, superchat\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                + "Origin: http://example.com\r\n"
                + "\r\n", text);
        assertEquals(16, java.util.Base64.getDecoder().decode(handshake.key()).length);
    }

    @Test
    void keyComesFromTheRandomSource() {
        assertEquals(handshake("ws://h/").key(), handshake("ws://h/").key());
        assertNotEquals(new ClientHandshake(URI.create("ws://h/")).key(), new ClientHandshake(URI.create("ws://h/")).key());
        byte[] expected = new byte[16];
        new Random(1).nextBytes(expected);
        assertTrue(Arrays.equals(expected, java.util.Base64.getDecoder().decode(handshake("ws://h/").key())));
    }

    @Test
    void hostPortAndTargetFromTheUri() {
        ClientHandshake plain = handshake("ws://Example.com");
        assertFalse(plain.secure());
        assertEquals("Example.com", plain.host());
        assertEquals(80, plain.port());
        assertEquals("/", plain.requestTarget());
        assertEquals("Example.com", sent(plain).headers().first("Host"));

        ClientHandshake tls = handshake("wss://example.com:443/a%20b?q=%C3%A9");
        assertTrue(tls.secure());
        assertEquals(443, tls.port());
        assertEquals("example.com", sent(tls).headers().first("Host"));
        assertEquals("/a%20b?q=%C3%A9", tls.requestTarget());

        assertEquals("example.com:80", sent(handshake("wss://example.com:80/")).headers().first("Host"));
        assertEquals("example.com:8080", sent(handshake("WS://example.com:8080")).headers().first("Host"));

        ClientHandshake v6 = handshake("ws://[::1]:9000/x");
        assertEquals("::1", v6.host());
        assertEquals(9000, v6.port());
        assertEquals("[::1]:9000", sent(v6).headers().first("Host"));
        assertEquals("[2001:db8::1]", sent(handshake("wss://[2001:db8::1]/")).headers().first("Host"));

        assertEquals("/caf%C3%A9", new ClientHandshake(URI.create("ws://h/caf\u00e9")).requestTarget());
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> handshake("http://example.com/"));
        assertThrows(IllegalArgumentException.class, () -> handshake("ws:///path"));
        assertThrows(IllegalArgumentException.class, () -> handshake("ws://h/#frag"));
        assertThrows(IllegalArgumentException.class, () -> handshake("ws://user:pw@h/"));
        URI uri = URI.create("ws://h/");
        assertThrows(IllegalArgumentException.class,
                () -> new ClientHandshake(uri, List.of("a b"), null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new ClientHandshake(uri, List.of("chat", "chat"), null, null, null));
        for (String reserved : List.of("Host", "upgrade", "CONNECTION", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
                "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Content-Length", "Transfer-Encoding")) {
            assertThrows(IllegalArgumentException.class,
                    () -> new ClientHandshake(uri, null, null, HttpHeaders.of(reserved, "x"), null), reserved);
        }
    }

    private static HttpResponse response101(ClientHandshake handshake, String... extra) {
        HttpHeaders.Builder headers = HttpHeaders.builder()
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Accept", ServerHandshake.acceptKey(handshake.key()));
        for (int i = 0; i < extra.length; i += 2) {
            headers.add(extra[i], extra[i + 1]);
        }
        return new HttpResponse("HTTP/1.1", 101, "Switching Protocols", headers.build());
    }

    private static HttpResponse response(int status, String... headers) {
        return new HttpResponse("HTTP/1.1", status, "Whatever", HttpHeaders.of(headers));
    }

    private static void assertFails(ClientHandshake handshake, HttpResponse response, String inMessage) {
        HandshakeException e = assertThrows(HandshakeException.class, () -> handshake.validate(response, null));
        assertEquals(502, e.httpStatus());
        assertFalse(e instanceof HandshakeRejectedException);
        assertTrue(e.getMessage().contains(inMessage), e.getMessage());
    }

    @Test
    void acceptsAValid101() {
        ClientHandshake handshake = new ClientHandshake(URI.create("ws://h/"), List.of("a", "b"),
                List.of(ExtensionOffer.of("permessage-deflate")), null, new Random(3));
        HandshakeResult result = handshake.validate(response101(handshake,
                "Sec-WebSocket-Protocol", "b",
                "Sec-WebSocket-Extensions", "permessage-deflate; server_no_context_takeover"), null);
        assertEquals("b", result.subprotocol());
        assertEquals(List.of(ExtensionOffer.of("permessage-deflate", ExtensionParam.of("server_no_context_takeover"))),
                result.extensions());
        HandshakeResult bare = handshake.validate(response101(handshake), ByteBuffer.allocate(0));
        assertNull(bare.subprotocol());
        assertEquals(List.of(), bare.extensions());
    }

    @Test
    void upgradeAndConnectionTokensAreCheckedLeniently() {
        ClientHandshake handshake = handshake("ws://h/");
        HttpResponse odd = new HttpResponse("HTTP/1.1", 101, "", HttpHeaders.of(
                "upgrade", " WebSocket ", "CONNECTION", "keep-alive, upgrade",
                "sec-websocket-accept", ServerHandshake.acceptKey(handshake.key())));
        assertNull(handshake.validate(odd, null).subprotocol());
        String accept = ServerHandshake.acceptKey(handshake.key());
        assertFails(handshake, response(101, "Connection", "Upgrade", "Sec-WebSocket-Accept", accept), "Upgrade");
        assertFails(handshake, response(101, "Upgrade", "h2c", "Connection", "Upgrade", "Sec-WebSocket-Accept", accept),
                "Upgrade");
        assertFails(handshake, response(101, "Upgrade", "websocket", "Sec-WebSocket-Accept", accept), "Connection");
        assertFails(handshake, response(101, "Upgrade", "websocket", "Connection", "close",
                "Sec-WebSocket-Accept", accept), "Connection");
    }

    @Test
    void acceptMustMatch() {
        ClientHandshake handshake = handshake("ws://h/");
        assertFails(handshake, response(101, "Upgrade", "websocket", "Connection", "Upgrade"), "Sec-WebSocket-Accept");
        assertFails(handshake, response(101, "Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "Sec-WebSocket-Accept");
        assertFails(handshake, response101(handshake, "Sec-WebSocket-Accept",
                ServerHandshake.acceptKey(handshake.key())), "more than one");
    }

    @Test
    void subprotocolMustBeOneOffered() {
        ClientHandshake none = handshake("ws://h/");
        assertFails(none, response101(none, "Sec-WebSocket-Protocol", "chat"), "none was offered");
        ClientHandshake offering = new ClientHandshake(URI.create("ws://h/"), List.of("chat"), null, null, null);
        assertFails(offering, response101(offering, "Sec-WebSocket-Protocol", "other"), "not offered");
        assertFails(offering, response101(offering, "Sec-WebSocket-Protocol", "CHAT"), "not offered");
        assertFails(offering, response101(offering, "Sec-WebSocket-Protocol", "chat, chat"), "exactly one");
        assertFails(offering, response101(offering, "Sec-WebSocket-Protocol", "chat",
                "Sec-WebSocket-Protocol", "chat"), "exactly one");
        assertEquals("chat", offering.validate(response101(offering, "Sec-WebSocket-Protocol", " chat "), null)
                .subprotocol());
    }

    @Test
    void extensionsMustHaveBeenOffered() {
        ClientHandshake none = handshake("ws://h/");
        assertFails(none, response101(none, "Sec-WebSocket-Extensions", "permessage-deflate"), "not offered");
        ClientHandshake offering = new ClientHandshake(URI.create("ws://h/"), null,
                List.of(ExtensionOffer.of("permessage-deflate")), null, null);
        assertFails(offering, response101(offering, "Sec-WebSocket-Extensions", "permessage-deflate, x-other"),
                "x-other");
        assertFails(offering, response101(offering, "Sec-WebSocket-Extensions", "permessage-deflate; a=\"x"),
                "Sec-WebSocket-Extensions");
    }

    @Test
    void non101IsRejectedWithStatusHeadersAndBoundedPreview() {
        ClientHandshake handshake = handshake("ws://h/");
        HttpResponse forbidden = new HttpResponse("HTTP/1.1", 403, "Forbidden",
                HttpHeaders.of("Content-Type", "text/plain", "X-Reason", "origin"));
        ByteBuffer body = ByteBuffer.wrap("x".repeat(5000).getBytes(StandardCharsets.UTF_8));
        HandshakeRejectedException e = assertThrows(HandshakeRejectedException.class,
                () -> handshake.validate(forbidden, body));
        assertEquals(403, e.status());
        assertEquals("Forbidden", e.reason());
        assertEquals("origin", e.headers().first("x-reason"));
        assertEquals(1024, e.bodyPreview().length());
        assertEquals(502, e.httpStatus());
        assertEquals(0, body.position(), "the body buffer is not consumed");
        assertTrue(e.getMessage().contains("403"), e.getMessage());

        HandshakeRejectedException empty = assertThrows(HandshakeRejectedException.class,
                () -> handshake.validate(response(404), null));
        assertEquals("", empty.bodyPreview());
    }

    @Test
    void previewIsLenientUtf8AndRespectsContentLength() {
        ClientHandshake handshake = handshake("ws://h/");
        byte[] bytes = new byte[] {'o', 'k', (byte) 0xFF, '!', 'n', 'e', 'x', 't'};
        HandshakeRejectedException e = assertThrows(HandshakeRejectedException.class,
                () -> handshake.validate(response(500, "Content-Length", "4"), ByteBuffer.wrap(bytes)));
        assertEquals("ok\uFFFD!", e.bodyPreview());

        byte[] euros = "\u20ac".repeat(400).getBytes(StandardCharsets.UTF_8); // 1200 bytes, cut inside a char
        HandshakeRejectedException cut = assertThrows(HandshakeRejectedException.class,
                () -> handshake.validate(response(500), ByteBuffer.wrap(euros)));
        assertEquals("\u20ac".repeat(341), cut.bodyPreview());
    }
}
