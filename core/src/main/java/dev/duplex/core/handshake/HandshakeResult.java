package dev.duplex.core.handshake;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a successful client handshake ({@link ClientHandshake#validate}). Immutable.
 *
 * @param subprotocol the subprotocol the server chose (one the client offered), or null for none
 * @param extensions  the extensions the server accepted, in the order of its answer, with the
 *                    parameters it sent; their names were offered, but their parameters are not yet
 *                    validated: that is the extension layer's job
 * @param response    the server's 101 response, e.g. for its cookies
 */
public record HandshakeResult(String subprotocol, List<ExtensionOffer> extensions, HttpResponse response) {

    public HandshakeResult {
        extensions = List.copyOf(extensions);
        Objects.requireNonNull(response, "response");
    }
}
