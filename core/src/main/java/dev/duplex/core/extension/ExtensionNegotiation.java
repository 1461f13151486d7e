package dev.duplex.core.extension;

import dev.duplex.core.handshake.ExtensionOffer;
import dev.duplex.core.handshake.HandshakeException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the extension negotiation of the opening handshake for a list of {@link ExtensionFactory}s; the transport
 * layer calls this between parsing the handshake and building the engine. Extension names are compared without
 * regard to case. Stateless and thread-safe.
 *
 * <p>Server: {@code NegotiatedExtensions n = serverNegotiate(factories, hello.extensionOffers());} then
 * {@code response101(hello, protocol, n.responseOffers(), headers)} and
 * {@code new WebSocketEngine(..., n.extensions())}.
 * Client: {@code new ClientHandshake(uri, protocols, clientOffers(factories), headers, random)}, then
 * {@code clientAccept(factories, result.extensions())} for the engine's extensions.
 */
public final class ExtensionNegotiation {

    private ExtensionNegotiation() {
    }

    /**
     * Server side: offers each factory, in the given order (the server's preference), the client's offers for its
     * name; declined or unoffered extensions are left out. An extension whose RSV bits collide with one already
     * accepted is declined (its {@link Extension} is released). Never fails because of what the client offered.
     *
     * @param factories    the extensions this server supports, in order of preference; names must be distinct
     * @param clientOffers the client's offers ({@code ClientHello.extensionOffers()}), in the client's order
     * @throws IllegalArgumentException if two factories have the same name
     */
    public static NegotiatedExtensions serverNegotiate(List<ExtensionFactory> factories,
                                                       List<ExtensionOffer> clientOffers) {
        requireDistinctNames(factories);
        List<ExtensionOffer> responses = new ArrayList<>();
        List<Extension> extensions = new ArrayList<>();
        int usedRsv = 0;
        try {
            for (ExtensionFactory factory : factories) {
                List<ExtensionOffer> forFactory = new ArrayList<>();
                for (ExtensionOffer offer : clientOffers) {
                    if (offer.name().equalsIgnoreCase(factory.name())) {
                        forFactory.add(offer);
                    }
                }
                if (forFactory.isEmpty()) {
                    continue;
                }
                Optional<AcceptedExtension> accepted = factory.serverAccept(forFactory);
                if (accepted.isEmpty()) {
                    continue;
                }
                Extension extension = accepted.get().extension();
                if ((extension.rsvBits() & usedRsv) != 0) {
                    extension.release();
                    continue;
                }
                usedRsv |= extension.rsvBits();
                responses.add(accepted.get().response());
                extensions.add(extension);
            }
        } catch (RuntimeException e) {
            extensions.forEach(Extension::release);
            throw e;
        }
        return new NegotiatedExtensions(responses, extensions);
    }

    /**
     * Client side: every factory's offers, in factory order, for {@code ClientHandshake}.
     *
     * @throws IllegalArgumentException if two factories have the same name
     */
    public static List<ExtensionOffer> clientOffers(List<ExtensionFactory> factories) {
        requireDistinctNames(factories);
        List<ExtensionOffer> offers = new ArrayList<>();
        for (ExtensionFactory factory : factories) {
            offers.addAll(factory.clientOffers());
        }
        return List.copyOf(offers);
    }

    /**
     * Client side: checks the server's {@code Sec-WebSocket-Extensions} response
     * ({@code HandshakeResult.extensions()}) and creates the extensions for the engine, in response order.
     *
     * @throws HandshakeException (status 502) if the response names an extension that was not offered, names one
     *                            twice, has parameters the extension's factory rejects, or accepts two extensions
     *                            that claim the same RSV bit; extensions created so far are released
     */
    public static List<Extension> clientAccept(List<ExtensionFactory> factories, List<ExtensionOffer> response) {
        List<Extension> extensions = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int usedRsv = 0;
        try {
            for (ExtensionOffer accepted : response) {
                String key = accepted.name().toLowerCase(Locale.ROOT);
                if (!seen.add(key)) {
                    throw fail("the server accepted extension " + accepted.name() + " twice");
                }
                ExtensionFactory factory = find(factories, accepted.name());
                if (factory == null || factory.clientOffers().isEmpty()) {
                    throw fail("the server accepted extension " + accepted.name() + ", which was not offered");
                }
                Extension extension = factory.clientAccept(accepted);
                extensions.add(extension);
                if ((extension.rsvBits() & usedRsv) != 0) {
                    throw fail("the server accepted extensions that claim the same RSV bit: " + accepted.name());
                }
                usedRsv |= extension.rsvBits();
            }
        } catch (RuntimeException e) {
            extensions.forEach(Extension::release);
            throw e;
        }
        return List.copyOf(extensions);
    }

    private static ExtensionFactory find(List<ExtensionFactory> factories, String name) {
        for (ExtensionFactory factory : factories) {
            if (factory.name().equalsIgnoreCase(name)) {
                return factory;
            }
        }
        return null;
    }

    private static void requireDistinctNames(List<ExtensionFactory> factories) {
        Set<String> names = new HashSet<>();
        for (ExtensionFactory factory : factories) {
            if (!names.add(factory.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("two extension factories are named " + factory.name());
            }
        }
    }

    private static HandshakeException fail(String message) {
        return new HandshakeException(HandshakeException.CLIENT_SIDE_STATUS, message);
    }
}
