package dev.duplex.core.extension;

import dev.duplex.core.handshake.ExtensionOffer;

import java.util.List;

/**
 * The outcome of server-side negotiation: the response header elements and the matching extensions, in the same
 * order. Pass {@link #responseOffers()} to {@code ServerHandshake.response101} and {@link #extensions()} to the
 * {@code WebSocketEngine}. The extensions belong to the caller (release them if the connection never opens).
 *
 * @param responseOffers what to send in {@code Sec-WebSocket-Extensions}; empty when nothing was accepted
 * @param extensions     the negotiated extensions; same size and order as {@code responseOffers}
 */
public record NegotiatedExtensions(List<ExtensionOffer> responseOffers, List<Extension> extensions) {
    public NegotiatedExtensions {
        responseOffers = List.copyOf(responseOffers);
        extensions = List.copyOf(extensions);
        if (responseOffers.size() != extensions.size()) {
            throw new IllegalArgumentException("one extension per response offer");
        }
    }

    /** Releases every extension; for a handshake that was abandoned after negotiation. */
    public void releaseAll() {
        extensions.forEach(Extension::release);
    }
}
