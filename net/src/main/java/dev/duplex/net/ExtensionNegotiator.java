package dev.duplex.net;

import dev.duplex.core.extension.Extension;
import dev.duplex.core.extension.ExtensionFactory;
import dev.duplex.core.extension.ExtensionNegotiation;
import dev.duplex.core.extension.NegotiatedExtensions;
import dev.duplex.core.handshake.ExtensionOffer;

import java.util.List;

/**
 * Chooses the extensions of a connection from the client's offers (RFC 6455 section 9): which ones to accept,
 * the parameters to answer with, and the {@link Extension} instances the engine will run. The place where
 * permessage-deflate plugs in: {@link #of(ExtensionFactory...)} negotiates core {@link ExtensionFactory}s such as
 * {@code PerMessageDeflate} (or use {@link EndpointOptions.Builder#compression}); {@link #NONE} declines every
 * offer. Offers a negotiator declines leave the connection without that extension (uncompressed).
 *
 * <p><b>Ownership:</b> the server owns the returned extensions: the connection's engine releases them when it
 * ends, and the server releases them itself if the 101 response is never sent.
 *
 * <p><b>Threading:</b> called on the connection's event loop, once per handshake; return new extension
 * instances every time (they hold per-connection state). An exception answers 500 and closes the connection.
 */
@FunctionalInterface
public interface ExtensionNegotiator {

    /** Accepts no extension. */
    ExtensionNegotiator NONE = offers -> Negotiated.NONE;

    Negotiated negotiate(List<ExtensionOffer> offers);

    /**
     * A negotiator over core extension factories, tried in this order (the server's preference) through
     * {@link ExtensionNegotiation#serverNegotiate}: each accepts the first of the client's offers for its name that
     * it can honour, and an extension whose RSV bits clash with an earlier one is declined.
     *
     * @throws IllegalArgumentException if two factories have the same name
     */
    static ExtensionNegotiator of(ExtensionFactory... factories) {
        return of(List.of(factories));
    }

    /** As {@link #of(ExtensionFactory...)}. */
    static ExtensionNegotiator of(List<ExtensionFactory> factories) {
        List<ExtensionFactory> copy = List.copyOf(factories);
        if (copy.stream().map(f -> f.name().toLowerCase(java.util.Locale.ROOT)).distinct().count() != copy.size()) {
            throw new IllegalArgumentException("two extension factories have the same name: " + copy);
        }
        if (copy.isEmpty()) {
            return NONE;
        }
        return offers -> {
            NegotiatedExtensions n = ExtensionNegotiation.serverNegotiate(copy, offers);
            return new Negotiated(n.responseOffers(), n.extensions());
        };
    }

    /**
     * The outcome: the extensions as they go into the {@code Sec-WebSocket-Extensions} answer, and the engine's
     * extension instances, in the same order.
     */
    record Negotiated(List<ExtensionOffer> response, List<Extension> extensions) {
        public static final Negotiated NONE = new Negotiated(List.of(), List.of());

        public Negotiated {
            response = List.copyOf(response);
            extensions = List.copyOf(extensions);
            if (response.size() != extensions.size()) {
                throw new IllegalArgumentException("one extension per response element");
            }
        }

        /** Releases every extension; for a handshake abandoned after negotiation. Idempotent. */
        public void releaseAll() {
            extensions.forEach(Extension::release);
        }
    }
}
