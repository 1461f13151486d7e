package dev.duplex.core.extension;

import dev.duplex.core.handshake.ExtensionOffer;
import dev.duplex.core.handshake.ExtensionParam;
import dev.duplex.core.handshake.HandshakeException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtensionNegotiationTest {

    /** A factory that accepts offers without parameters only and records what it created. */
    static final class FakeFactory implements ExtensionFactory {
        final String name;
        final int rsv;
        final List<FakeExtension> created = new ArrayList<>();
        List<ExtensionOffer> seenOffers;

        FakeFactory(String name, int rsv) {
            this.name = name;
            this.rsv = rsv;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Optional<AcceptedExtension> serverAccept(List<ExtensionOffer> offers) {
            seenOffers = offers;
            for (ExtensionOffer offer : offers) {
                if (offer.params().isEmpty()) {
                    return Optional.of(new AcceptedExtension(ExtensionOffer.of(name), create()));
                }
            }
            return Optional.empty();
        }

        @Override
        public List<ExtensionOffer> clientOffers() {
            return List.of(ExtensionOffer.of(name));
        }

        @Override
        public Extension clientAccept(ExtensionOffer response) {
            if (!response.params().isEmpty()) {
                throw new HandshakeException(502, "unexpected parameter");
            }
            return create();
        }

        private FakeExtension create() {
            FakeExtension e = new FakeExtension(name, rsv);
            created.add(e);
            return e;
        }
    }

    record FakeExtension(String name, int rsvBits, boolean[] released) implements Extension {
        FakeExtension(String name, int rsvBits) {
            this(name, rsvBits, new boolean[1]);
        }

        @Override
        public boolean shouldEncode(boolean text, long length) {
            return false;
        }

        @Override
        public ByteBuffer encode(ByteBuffer payload, boolean fin) {
            return payload;
        }

        @Override
        public void decode(ByteBuffer payload, boolean fin, PayloadSink out) {
            out.accept(payload);
        }

        @Override
        public void release() {
            released[0] = true;
        }
    }

    @Test
    void serverPassesEachFactoryItsOffersInOrderAndAnswersInFactoryOrder() {
        FakeFactory a = new FakeFactory("x-a", 0x40);
        FakeFactory b = new FakeFactory("x-b", 0x20);
        List<ExtensionOffer> offers = ExtensionOffer.parseHeader(List.of("x-b; p, X-B, x-c, x-a"));
        NegotiatedExtensions n = ExtensionNegotiation.serverNegotiate(List.of(a, b), offers);
        assertEquals("x-a, x-b", ExtensionOffer.renderHeader(n.responseOffers()));
        assertEquals(List.of(a.created.get(0), b.created.get(0)), n.extensions());
        assertEquals(2, b.seenOffers.size(), "both x-b offers, case-insensitively, in order");
        assertEquals(List.of(ExtensionParam.of("p")), b.seenOffers.get(0).params());
    }

    @Test
    void serverDeclinesAnExtensionWhoseRsvBitIsTakenAndReleasesIt() {
        FakeFactory a = new FakeFactory("x-a", 0x40);
        FakeFactory b = new FakeFactory("x-b", 0x40);
        NegotiatedExtensions n = ExtensionNegotiation.serverNegotiate(List.of(a, b),
                ExtensionOffer.parseHeader(List.of("x-a, x-b")));
        assertEquals("x-a", ExtensionOffer.renderHeader(n.responseOffers()));
        assertTrue(b.created.get(0).released()[0]);
    }

    @Test
    void serverWithNothingOfferedAcceptsNothing() {
        NegotiatedExtensions n = ExtensionNegotiation.serverNegotiate(List.of(new FakeFactory("x-a", 0x40)),
                List.of());
        assertTrue(n.responseOffers().isEmpty());
        assertTrue(n.extensions().isEmpty());
    }

    @Test
    void duplicateFactoryNamesAreAProgrammingError() {
        List<ExtensionFactory> twice = List.of(new FakeFactory("x-a", 0), new FakeFactory("X-A", 0));
        assertThrows(IllegalArgumentException.class, () -> ExtensionNegotiation.clientOffers(twice));
        assertThrows(IllegalArgumentException.class, () -> ExtensionNegotiation.serverNegotiate(twice, List.of()));
    }

    @Test
    void clientOffersEveryFactoryInOrder() {
        assertEquals("x-a, x-b", ExtensionOffer.renderHeader(ExtensionNegotiation.clientOffers(
                List.of(new FakeFactory("x-a", 0x40), new FakeFactory("x-b", 0x20)))));
    }

    @Test
    void clientAcceptsTheResponseInOrder() {
        FakeFactory a = new FakeFactory("x-a", 0x40);
        FakeFactory b = new FakeFactory("x-b", 0x20);
        List<Extension> ext = ExtensionNegotiation.clientAccept(List.of(a, b),
                ExtensionOffer.parseHeader(List.of("x-b, x-a")));
        assertEquals(List.of("x-b", "x-a"), ext.stream().map(Extension::name).toList());
    }

    private static void assertClientFails(String response, FakeFactory... factories) {
        HandshakeException e = assertThrows(HandshakeException.class, () -> ExtensionNegotiation.clientAccept(
                List.of(factories), ExtensionOffer.parseHeader(List.of(response))));
        assertEquals(502, e.httpStatus());
        for (FakeFactory f : factories) {
            f.created.forEach(x -> assertTrue(x.released()[0], "created extensions are released"));
        }
    }

    @Test
    void clientFailsOnAnUnknownExtension() {
        assertClientFails("x-a, x-unknown", new FakeFactory("x-a", 0x40));
    }

    @Test
    void clientFailsOnADuplicateExtension() {
        assertClientFails("x-a, X-A", new FakeFactory("x-a", 0x40));
    }

    @Test
    void clientFailsOnTwoExtensionsClaimingOneRsvBit() {
        assertClientFails("x-a, x-b", new FakeFactory("x-a", 0x40), new FakeFactory("x-b", 0x40));
    }

    @Test
    void clientFailsWhenAFactoryRejectsItsResponse() {
        assertClientFails("x-b, x-a; bad", new FakeFactory("x-a", 0x40), new FakeFactory("x-b", 0x20));
    }
}
