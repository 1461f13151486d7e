package dev.duplex.net;

import dev.duplex.core.extension.Extension;
import dev.duplex.core.handshake.ExtensionOffer;

import java.util.List;

/**
 * Chooses the extensions of a connection from the client's offers (RFC 6455 section 9): which ones to accept,
 * the parameters to answer with, and the {@link Extension} instances the engine will run. The place where
 * permessage-deflate plugs in; {@link #NONE} declines every offer.
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
     * The outcome: the extensions as they go into the {@code Sec-WebSocket-Extensions} answer, and the engine's
     * extension instances, in the same order.
     */
    record Negotiated(List<ExtensionOffer> response, List<Extension> extensions) {
        public static final Negotiated NONE = new Negotiated(List.of(), List.of());

        public Negotiated {
            response = List.copyOf(response);
            extensions = List.copyOf(extensions);
        }
    }
}
