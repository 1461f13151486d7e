package dev.duplex.core.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerHandshakeTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** A valid request with one header replaced ({@code name: null} drops it) or appended. */
    private static HttpRequest requestLine(String method, String version, String... overrides) {
        String[][] base = {
                {"Host", "server.example.com"},
                {"Upgrade", "websocket"},
                {"Connection", "Upgrade"},
                {"Sec-WebSocket-Key", KEY},
                {"Sec-WebSocket-Version", "13"},
        };
        HttpHeaders.Builder builder = HttpHeaders.builder();
        for (String[] field : base) {
            String value = field[1];
            boolean overridden = false;
            for (int i = 0; i < overrides.length; i += 2) {
                if (overrides[i].equalsIgnoreCase(field[0])) {
                    overridden = true;
                    if (overrides[i + 1] != null) {
                        builder.add(field[0], overrides[i + 1]);
                    }
                }
            }
            if (!overridden) {
                builder.add(field[0], value);
            }
        }
        for (int i = 0; i < overrides.length; i += 2) {
            boolean inBase = false;
            for (String[] field : base) {
                inBase |= field[0].equalsIgnoreCase(overrides[i]);
            }
            if (!inBase) {
                builder.add(overrides[i], overrides[i + 1]);
            }
        }
        return new HttpRequest(method, "/chat", version, builder.build());
    }

    private static HttpRequest request(String... overrides) {
        return requestLine("GET", "HTTP/1.1", overrides);
    }

    private static HandshakeException rejected(HttpRequest request) {
        return assertThrows(HandshakeException.class, () -> ServerHandshake.validate(request));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void acceptKeyOfTheRfcSample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", ServerHandshake.acceptKey(KEY));
    }

    @Test
    void validRequestGivesTheHello() {
        ClientHello hello = ServerHandshake.validate(request(
                "Origin", "http://example.com",
                "Sec-WebSocket-Protocol", "chat, superchat",
                "sec-websocket-protocol", " v2.json ,",
                "Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits",
                "Sec-WebSocket-Extensions", "x-foo"));
        assertEquals(KEY, hello.key());
        assertEquals("http://example.com", hello.origin());
        assertEquals(List.of("chat", "superchat", "v2.json"), hello.subprotocols());
        assertEquals(List.of("permessage-deflate", "x-foo"),
                hello.extensionOffers().stream().map(ExtensionOffer::name).toList());
        assertEquals("/chat", hello.request().path());
        ClientHello minimal = ServerHandshake.validate(request());
        assertNull(minimal.origin());
        assertEquals(List.of(), minimal.subprotocols());
        assertEquals(List.of(), minimal.extensionOffers());
    }

    @Test
    void tokensMatchInCommaListsWithOddCaseAndWhitespace() {
        assertNotNull(ServerHandshake.validate(request(
                "Upgrade", "h2c ,\tWebSocket", "Connection", "keep-alive,  UPGRADE ")));
        assertNotNull(ServerHandshake.validate(requestLine("GET", "HTTP/2.0", "Connection", "upgrade")));
    }

    @Test
    void isUpgradeRequestTellsPlainHttpApart() {
        assertTrue(ServerHandshake.isUpgradeRequest(request()));
        assertTrue(ServerHandshake.isUpgradeRequest(request("Upgrade", "foo, WEBSOCKET")));
        assertFalse(ServerHandshake.isUpgradeRequest(request("Upgrade", null)));
        assertFalse(ServerHandshake.isUpgradeRequest(request("Upgrade", "h2c")));
    }

    @Test
    void methodOtherThanGetIs405() {
        assertEquals(405, rejected(requestLine("POST", "HTTP/1.1")).httpStatus());
        assertEquals(405, rejected(requestLine("get", "HTTP/1.1")).httpStatus());
    }

    @Test
    void http10OrOlderIs505() {
        assertEquals(505, rejected(requestLine("GET", "HTTP/1.0")).httpStatus());
        assertEquals(505, rejected(requestLine("GET", "HTTP/0.9")).httpStatus());
    }

    @Test
    void hostMustBePresentOnce() {
        assertStatus(400, "Host", request("Host", null));
        assertStatus(400, "Host", request("Host", ""));
        HttpRequest twoHosts = new HttpRequest("GET", "/", "HTTP/1.1", HttpHeaders.builder()
                .addAll(request().headers()).add("Host", "b").build());
        assertStatus(400, "Host", twoHosts);
    }

    @Test
    void upgradeMustContainWebsocket() {
        assertStatus(400, "Upgrade", request("Upgrade", null));
        assertStatus(400, "Upgrade", request("Upgrade", "websockets"));
        assertStatus(400, "Upgrade", request("Upgrade", "websocket/13"));
    }

    @Test
    void connectionMustContainUpgrade() {
        assertStatus(400, "Connection", request("Connection", null));
        assertStatus(400, "Connection", request("Connection", "keep-alive"));
        assertStatus(400, "Connection", request("Connection", "keep-alive upgrade"));
    }

    @Test
    void versionMustBe13() {
        assertStatus(426, "Sec-WebSocket-Version", request("Sec-WebSocket-Version", null));
        assertStatus(426, "Sec-WebSocket-Version", request("Sec-WebSocket-Version", "8"));
        assertStatus(426, "Sec-WebSocket-Version", request("Sec-WebSocket-Version", "13, 8"));
        assertStatus(426, "Sec-WebSocket-Version", request("Sec-WebSocket-Version", "013"));
    }

    @Test
    void keyMustBeBase64Of16BytesAndPresentOnce() {
        assertStatus(400, "Sec-WebSocket-Key", request("Sec-WebSocket-Key", null));
        assertStatus(400, "Sec-WebSocket-Key", request("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ"));
        assertStatus(400, "Sec-WebSocket-Key", request("Sec-WebSocket-Key", "c2hvcnQ="));
        assertStatus(400, "Sec-WebSocket-Key", request("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ!="));
        assertStatus(400, "Sec-WebSocket-Key", request("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZR=="));
        assertStatus(400, "Sec-WebSocket-Key", request("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        HttpRequest twoKeys = new HttpRequest("GET", "/", "HTTP/1.1", HttpHeaders.builder()
                .addAll(request().headers()).add("Sec-WebSocket-Key", KEY).build());
        assertStatus(400, "Sec-WebSocket-Key", twoKeys);
    }

    @Test
    void subprotocolsMustBeTokens() {
        assertStatus(400, "Sec-WebSocket-Protocol", request("Sec-WebSocket-Protocol", "chat, \"quoted\""));
        assertStatus(400, "Sec-WebSocket-Protocol", request("Sec-WebSocket-Protocol", "a b"));
    }

    @Test
    void extensionsMustBeWellFormed() {
        assertStatus(400, "Sec-WebSocket-Extensions", request("Sec-WebSocket-Extensions", "a;b="));
    }

    @Test
    void response101WithSubprotocolExtensionsAndExtraHeaders() {
        ClientHello hello = ServerHandshake.validate(request(
                "Sec-WebSocket-Protocol", "chat, superchat",
                "Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"));
        byte[] response = ServerHandshake.response101(hello, "superchat",
                List.of(ExtensionOffer.of("permessage-deflate", ExtensionParam.of("client_max_window_bits", "10"))),
                HttpHeaders.of("Set-Cookie", "id=1"));
        assertEquals("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                + "Sec-WebSocket-Protocol: superchat\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10\r\n"
                + "Set-Cookie: id=1\r\n"
                + "\r\n", text(response));
        assertEquals("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n", text(ServerHandshake.response101(hello)));
        assertArrayEquals(ServerHandshake.response101(hello),
                ServerHandshake.response101(hello, null, null, null));
    }

    @Test
    void response101RejectsWhatWasNotOfferedAndReservedHeaders() {
        ClientHello hello = ServerHandshake.validate(request("Sec-WebSocket-Protocol", "chat"));
        assertThrows(IllegalArgumentException.class,
                () -> ServerHandshake.response101(hello, "other", List.of(), HttpHeaders.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> ServerHandshake.response101(hello, "CHAT", List.of(), HttpHeaders.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> ServerHandshake.response101(hello, null, List.of(ExtensionOffer.of("x")), HttpHeaders.empty()));
        for (String reserved : List.of("upgrade", "Connection", "Sec-WebSocket-Accept", "sec-websocket-protocol",
                "Sec-WebSocket-Extensions", "Content-Length", "Transfer-Encoding")) {
            assertThrows(IllegalArgumentException.class,
                    () -> ServerHandshake.response101(hello, null, List.of(), HttpHeaders.of(reserved, "x")), reserved);
        }
    }

    @Test
    void errorResponsesAreCompleteAndClose() {
        HandshakeException e = rejected(request("Connection", "keep-alive"));
        HttpResponse response = parseResponse(ServerHandshake.errorResponse(e));
        assertEquals(400, response.status());
        assertEquals("Bad Request", response.reason());
        assertEquals("close", response.headers().first("Connection"));
        assertEquals("text/plain; charset=utf-8", response.headers().first("Content-Type"));
        assertFalse(response.headers().contains("Sec-WebSocket-Version"));

        HttpResponse version = parseResponse(ServerHandshake.errorResponse(rejected(request("Sec-WebSocket-Version", "8"))));
        assertEquals(426, version.status());
        assertEquals("13", version.headers().first("Sec-WebSocket-Version"));
        assertTrue(version.headers().containsToken("Connection", "close"));
        assertTrue(version.headers().containsToken("Upgrade", "websocket"));

        HttpResponse method = parseResponse(ServerHandshake.errorResponse(rejected(requestLine("PUT", "HTTP/1.1"))));
        assertEquals(405, method.status());
        assertEquals("GET", method.headers().first("Allow"));
    }

    @Test
    void errorResponseBodyAndContentLength() {
        byte[] bytes = ServerHandshake.errorResponse(403, null, HttpHeaders.of("X-Why", "origin"), "f\u00f6rbidden");
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        HttpResponse response = new ResponseParser().feed(buffer);
        assertEquals(403, response.status());
        assertEquals("Forbidden", response.reason());
        assertEquals("origin", response.headers().first("X-Why"));
        int length = Integer.parseInt(response.headers().first("Content-Length"));
        assertEquals(buffer.remaining(), length);
        assertEquals("f\u00f6rbidden\n", StandardCharsets.UTF_8.decode(buffer).toString());
        assertTrue(text(ServerHandshake.errorResponse(400, "Nope", null, null)).startsWith("HTTP/1.1 400 Nope\r\n"));
        assertTrue(text(ServerHandshake.errorResponse(400, null, null, null)).contains("Content-Length: 0\r\n"));
        assertThrows(IllegalArgumentException.class, () -> ServerHandshake.errorResponse(200, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> ServerHandshake.errorResponse(400, "a\r\nb", null, null));
        assertThrows(IllegalArgumentException.class,
                () -> ServerHandshake.errorResponse(400, null, HttpHeaders.of("Content-Length", "1"), null));
        assertTrue(text(ServerHandshake.errorResponse(new HandshakeException(431, "too big"))).startsWith(
                "HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    }

    private static HttpResponse parseResponse(byte[] bytes) {
        HttpResponse response = new ResponseParser().feed(ByteBuffer.wrap(bytes));
        assertNotNull(response);
        return response;
    }

    private static void assertStatus(int status, String headerNamedInMessage, HttpRequest request) {
        HandshakeException e = rejected(request);
        assertEquals(status, e.httpStatus(), e.getMessage());
        assertTrue(e.getMessage().contains(headerNamedInMessage), e.getMessage());
    }
}
