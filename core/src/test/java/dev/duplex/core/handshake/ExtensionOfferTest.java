package dev.duplex.core.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ExtensionOfferTest {

    @Test
    void parsesTheRfc7692Example() {
        List<ExtensionOffer> offers = ExtensionOffer.parseHeader(List.of(
                "permessage-deflate; client_max_window_bits, "
                        + "permessage-deflate; server_max_window_bits=\"10\"; client_no_context_takeover"));
        assertEquals(List.of(
                ExtensionOffer.of("permessage-deflate", ExtensionParam.of("client_max_window_bits")),
                ExtensionOffer.of("permessage-deflate", ExtensionParam.of("server_max_window_bits", "10"),
                        ExtensionParam.of("client_no_context_takeover"))), offers);
        assertNull(offers.get(0).params().get(0).value());
    }

    @Test
    void parsesAllHeaderValuesInOrderWithOwsAndEmptyElements() {
        List<ExtensionOffer> offers = ExtensionOffer.parseHeader(List.of(
                " a ;\tx = 1 ; y ,, ", "", "b", ",c;z=\"\""));
        assertEquals(List.of(
                ExtensionOffer.of("a", ExtensionParam.of("x", "1"), ExtensionParam.of("y")),
                ExtensionOffer.of("b"),
                ExtensionOffer.of("c", ExtensionParam.of("z", ""))), offers);
        assertEquals(List.of(), ExtensionOffer.parseHeader(List.of()));
    }

    @Test
    void quotedStringEscapesAreResolved() {
        List<ExtensionOffer> offers = ExtensionOffer.parseHeader(List.of("x; p=\"a\\\"b\\\\c\\d, ;e\""));
        assertEquals("a\"b\\cd, ;e", offers.get(0).params().get(0).value());
        assertEquals(1, offers.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {";x", "a;b=", "a;b=\"unterminated", "a b", "a;;b", "a;b=c d", "a;=1", "a=1",
            "a;b=\"x\\", "a;b=\"x\"y", "a,b c", "a;b=(", "\"a\"", "a;b=\"\u0001\""})
    void malformedValuesAre400(String value) {
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> ExtensionOffer.parseHeader(List.of("ok", value)));
        assertEquals(400, e.httpStatus());
        assertTrue(e.getMessage().contains("Sec-WebSocket-Extensions"), e.getMessage());
    }

    @Test
    void messagesNameTheProblem() {
        assertTrue(message(";x").contains("expected an extension name"), message(";x"));
        assertTrue(message("a;b=").contains("a value for parameter b"), message("a;b="));
        assertTrue(message("a;b=\"unterminated").contains("unterminated quoted-string"));
        assertTrue(message("a b").contains("expected ',' or ';'"), message("a b"));
    }

    private static String message(String value) {
        return assertThrows(HandshakeException.class, () -> ExtensionOffer.parseHeader(List.of(value))).getMessage();
    }

    @Test
    void rendersQuotingOnlyNonTokens() {
        ExtensionOffer offer = ExtensionOffer.of("permessage-deflate",
                ExtensionParam.of("client_max_window_bits"),
                ExtensionParam.of("server_max_window_bits", "10"),
                ExtensionParam.of("note", "a \"b\" \\c"),
                ExtensionParam.of("empty", ""));
        String rendered = offer.toHeaderValue();
        assertEquals("permessage-deflate; client_max_window_bits; server_max_window_bits=10; "
                + "note=\"a \\\"b\\\" \\\\c\"; empty=\"\"", rendered);
        assertEquals(List.of(offer), ExtensionOffer.parseHeader(List.of(rendered)));
        assertEquals("a, b; c", ExtensionOffer.renderHeader(List.of(ExtensionOffer.of("a"),
                ExtensionOffer.of("b", ExtensionParam.of("c")))));
    }

    @Test
    void constructionValidates() {
        assertThrows(IllegalArgumentException.class, () -> ExtensionOffer.of("bad name"));
        assertThrows(IllegalArgumentException.class, () -> ExtensionParam.of("a=b"));
        assertThrows(IllegalArgumentException.class, () -> ExtensionParam.of("a", "line\nbreak"));
    }
}
