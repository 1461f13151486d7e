package dev.duplex.core.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandshakeRoundTripTest {

    @Test
    void clientRequestThroughServerAndBack() {
        ExtensionOffer deflate = ExtensionOffer.of("permessage-deflate",
                ExtensionParam.of("client_max_window_bits"), ExtensionParam.of("x", "needs quoting"));
        ClientHandshake client = new ClientHandshake(URI.create("wss://chat.example:8443/room/1?token=abc"),
                List.of("v2.chat", "v1.chat"), List.of(deflate, ExtensionOffer.of("x-other")),
                HttpHeaders.of("Origin", "https://app.example", "Cookie", "session=s1; theme=dark"), null);

        HttpRequest request = new RequestParser().feed(ByteBuffer.wrap(client.request()));
        assertNotNull(request);
        ClientHello hello = ServerHandshake.validate(request);
        assertEquals(client.key(), hello.key());
        assertEquals("https://app.example", hello.origin());
        assertEquals(List.of("v2.chat", "v1.chat"), hello.subprotocols());
        assertEquals(List.of(deflate, ExtensionOffer.of("x-other")), hello.extensionOffers());
        assertEquals("/room/1", request.path());
        assertEquals("token=abc", request.query());
        assertEquals("chat.example:8443", request.headers().first("Host"));
        assertEquals(Map.of("session", "s1", "theme", "dark"), request.cookies());

        ExtensionOffer acceptedDeflate = ExtensionOffer.of("permessage-deflate",
                ExtensionParam.of("client_max_window_bits", "12"));
        byte[] answer = ServerHandshake.response101(hello, "v1.chat", List.of(acceptedDeflate),
                HttpHeaders.of("Set-Cookie", "seen=1"));
        byte[] withFrame = new byte[answer.length + 2];
        System.arraycopy(answer, 0, withFrame, 0, answer.length);
        withFrame[answer.length] = (byte) 0x81;
        ByteBuffer received = ByteBuffer.wrap(withFrame);
        HttpResponse response = new ResponseParser().feed(received);
        assertNotNull(response);
        assertEquals(2, received.remaining());

        HandshakeResult result = client.validate(response, received);
        assertEquals("v1.chat", result.subprotocol());
        assertEquals(List.of(acceptedDeflate), result.extensions());
        assertEquals("seen=1", result.response().headers().first("Set-Cookie"));
        assertEquals(2, received.remaining());
    }

    @Test
    void serverErrorResponseReachesTheClientAsRejection() {
        ClientHandshake client = new ClientHandshake(URI.create("ws://h/"));
        HttpRequest request = new RequestParser().feed(ByteBuffer.wrap(client.request()));
        HttpRequest oldVersion = new HttpRequest(request.method(), request.target(), request.httpVersion(),
                HttpHeaders.builder().add("Host", "h").add("Upgrade", "websocket").add("Connection", "Upgrade")
                        .add("Sec-WebSocket-Key", client.key()).add("Sec-WebSocket-Version", "8").build());
        HandshakeException failure = assertThrows(HandshakeException.class, () -> ServerHandshake.validate(oldVersion));
        ByteBuffer received = ByteBuffer.wrap(ServerHandshake.errorResponse(failure));
        HttpResponse response = new ResponseParser().feed(received);
        HandshakeRejectedException rejected = assertThrows(HandshakeRejectedException.class,
                () -> client.validate(response, received));
        assertEquals(426, rejected.status());
        assertEquals("13", rejected.headers().first("Sec-WebSocket-Version"));
        assertEquals(failure.getMessage() + "\n", rejected.bodyPreview());
    }
}
