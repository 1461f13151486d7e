package dev.duplex.core.deflate;

import dev.duplex.core.extension.AcceptedExtension;
import dev.duplex.core.handshake.ExtensionOffer;
import dev.duplex.core.handshake.HandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 7692 section 7.1: what a server answers to an offer, and what a client accepts. */
class NegotiationTest {

    private static List<ExtensionOffer> header(String value) {
        return ExtensionOffer.parseHeader(List.of(value));
    }

    /** The response header a server configured by {@code config} sends for {@code offer}, or "declined". */
    private static String serverAnswer(PerMessageDeflate config, String offer) {
        Optional<AcceptedExtension> accepted = config.serverAccept(header(offer));
        accepted.ifPresent(a -> a.extension().release());
        return accepted.map(a -> a.response().toHeaderValue()).orElse("declined");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "permessage-deflate | permessage-deflate",
            "permessage-deflate; client_max_window_bits | permessage-deflate",
            "permessage-deflate; client_max_window_bits=10 | permessage-deflate",
            "permessage-deflate; server_max_window_bits=10 | permessage-deflate; server_max_window_bits=10",
            "permessage-deflate; server_max_window_bits=8 | permessage-deflate; server_max_window_bits=8",
            "permessage-deflate; server_max_window_bits=\"12\" | permessage-deflate; server_max_window_bits=12",
            "permessage-deflate; server_no_context_takeover | permessage-deflate; server_no_context_takeover",
            "permessage-deflate; client_no_context_takeover | permessage-deflate; client_no_context_takeover",
            "permessage-deflate; unknown, permessage-deflate | permessage-deflate",
            "permessage-deflate; server_max_window_bits=7, permessage-deflate; server_max_window_bits=9 | permessage-deflate; server_max_window_bits=9",
            // each malformed offer is declined, never an error
            "permessage-deflate; foo=1 | declined",
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover | declined",
            "permessage-deflate; server_no_context_takeover=1 | declined",
            "permessage-deflate; client_no_context_takeover=\"x\" | declined",
            "permessage-deflate; server_max_window_bits | declined",
            "permessage-deflate; server_max_window_bits=7 | declined",
            "permessage-deflate; server_max_window_bits=16 | declined",
            "permessage-deflate; server_max_window_bits=010 | declined",
            "permessage-deflate; server_max_window_bits=\"0x9\" | declined",
            "permessage-deflate; client_max_window_bits=08 | declined",
            "permessage-deflate; client_max_window_bits=1 | declined",
            "permessage-deflate; client_max_window_bits=\"\" | declined",
            "permessage-deflate; client_max_window_bits=10; client_max_window_bits | declined",
    })
    void defaultServerAnswers(String offer, String response) {
        assertEquals(response, serverAnswer(PerMessageDeflate.defaults(), offer));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "permessage-deflate | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10",
            "permessage-deflate; client_max_window_bits | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9",
            "permessage-deflate; client_max_window_bits=8 | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=8",
            "permessage-deflate; client_max_window_bits=12 | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9",
            "permessage-deflate; server_max_window_bits=9 | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9",
            "permessage-deflate; server_max_window_bits=14 | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10",
    })
    void configuredServerAnswers(String offer, String response) {
        PerMessageDeflate server = PerMessageDeflate.builder().serverNoContextTakeover(true)
                .clientNoContextTakeover(true).serverMaxWindowBits(10).clientMaxWindowBits(8).build();
        assertEquals(response, serverAnswer(server, offer));
    }

    @Test
    void clientOffersWhatItIsConfiguredFor() {
        assertEquals("permessage-deflate; client_max_window_bits",
                ExtensionOffer.renderHeader(PerMessageDeflate.defaults().clientOffers()));
        PerMessageDeflate client = PerMessageDeflate.builder().serverNoContextTakeover(true)
                .clientNoContextTakeover(true).serverMaxWindowBits(8).clientMaxWindowBits(8).build();
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                        + "server_max_window_bits=9; client_max_window_bits=8",
                ExtensionOffer.renderHeader(client.clientOffers()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "permessage-deflate",
            "permessage-deflate; server_no_context_takeover",
            "permessage-deflate; client_no_context_takeover",
            "permessage-deflate; server_max_window_bits=8",
            "permessage-deflate; client_max_window_bits=9",
            "permessage-deflate; client_max_window_bits=\"15\"",
    })
    void defaultClientAcceptsWhatTheServerMaySend(String response) {
        PerMessageDeflate.defaults().clientAccept(header(response).get(0)).release();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "default | permessage-deflate; client_max_window_bits",
            "default | permessage-deflate; foo",
            "default | permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            "default | permessage-deflate; client_no_context_takeover=1",
            "default | permessage-deflate; server_max_window_bits=16",
            "default | permessage-deflate; server_max_window_bits=09",
            "default | x-webkit-deflate-frame",
            "limits | permessage-deflate; server_no_context_takeover; server_max_window_bits=12",
            "limits | permessage-deflate; server_max_window_bits=10; client_max_window_bits=11",
            "limits | permessage-deflate; client_max_window_bits=10",
            "limits | permessage-deflate",
            "nocontext | permessage-deflate",
    })
    void clientFailsOnAResponseItDidNotAllow(String config, String response) {
        PerMessageDeflate client = switch (config) {
            case "limits" -> PerMessageDeflate.builder().serverMaxWindowBits(10).clientMaxWindowBits(10).build();
            case "nocontext" -> PerMessageDeflate.builder().serverNoContextTakeover(true).build();
            default -> PerMessageDeflate.defaults();
        };
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> client.clientAccept(header(response).get(0)));
        assertEquals(502, e.httpStatus());
        assertTrue(e.getMessage().contains("deflate"), e.getMessage());
    }

    @Test
    void clientUsesTheSmallerOfItsOwnAndTheServersWindow() {
        PerMessageDeflate client = PerMessageDeflate.builder().clientMaxWindowBits(12).build();
        DeflateExtension ext = (DeflateExtension) client.clientAccept(
                header("permessage-deflate; client_max_window_bits=9").get(0));
        assertEquals(9, ext.agreed().clientMaxWindowBits());
        ext.release();
    }
}
