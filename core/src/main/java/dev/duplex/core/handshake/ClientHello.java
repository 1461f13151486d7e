package dev.duplex.core.handshake;

import java.util.List;
import java.util.Objects;

/**
 * A client's opening handshake that passed {@link ServerHandshake#validate(HttpRequest)}: the
 * validated key plus what the client asked for. Only {@code validate} creates instances, so holding
 * one means the request is a well-formed RFC 6455 version-13 upgrade. Immutable and thread-safe.
 *
 * <p>The server picks a subprotocol from {@link #subprotocols()} and extensions from
 * {@link #extensionOffers()}, then answers with
 * {@link ServerHandshake#response101(ClientHello, String, List, HttpHeaders)}. Checking
 * {@link #origin()} against an allow-list is the application's job (RFC 6455 10.2).
 */
public final class ClientHello {

    private final HttpRequest request;
    private final String key;
    private final String origin;
    private final List<String> subprotocols;
    private final List<ExtensionOffer> extensionOffers;

    ClientHello(HttpRequest request, String key, String origin, List<String> subprotocols,
                List<ExtensionOffer> extensionOffers) {
        this.request = Objects.requireNonNull(request, "request");
        this.key = Objects.requireNonNull(key, "key");
        this.origin = origin;
        this.subprotocols = List.copyOf(subprotocols);
        this.extensionOffers = List.copyOf(extensionOffers);
    }

    /** The whole request, for the path, query, cookies and other headers. */
    public HttpRequest request() {
        return request;
    }

    /** The {@code Sec-WebSocket-Key} value: base64 of 16 bytes. */
    public String key() {
        return key;
    }

    /** The {@code Origin} header, or null when absent (typical of non-browser clients). */
    public String origin() {
        return origin;
    }

    /**
     * The subprotocols the client offered, from all {@code Sec-WebSocket-Protocol} headers, in order
     * of preference (the client's order), as sent (case preserved); empty when none.
     */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /** The extensions the client offered, from all {@code Sec-WebSocket-Extensions} headers, in order. */
    public List<ExtensionOffer> extensionOffers() {
        return extensionOffers;
    }

    @Override
    public String toString() {
        return "ClientHello[" + request.target() + ", origin=" + origin + ", subprotocols=" + subprotocols
                + ", extensions=" + extensionOffers + "]";
    }
}
