package dev.duplex.core.extension;

import dev.duplex.core.handshake.ExtensionOffer;

import java.util.Objects;

/**
 * What a server agreed to for one extension: the element to put in the response's
 * {@code Sec-WebSocket-Extensions} header and the connection's {@link Extension} (owned by the caller).
 *
 * @param response  the accepted parameters, as sent back to the client
 * @param extension the negotiated extension for the new connection
 */
public record AcceptedExtension(ExtensionOffer response, Extension extension) {
    public AcceptedExtension {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(extension, "extension");
    }
}
