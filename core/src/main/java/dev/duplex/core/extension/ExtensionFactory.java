package dev.duplex.core.extension;

import dev.duplex.core.handshake.ExtensionOffer;
import dev.duplex.core.handshake.HandshakeException;

import java.util.List;
import java.util.Optional;

/**
 * Negotiates one extension in the opening handshake (RFC 6455 section 9.1) and creates its per-connection
 * {@link Extension}. One factory serves any number of connections and both sides: a server calls
 * {@link #serverAccept}, a client calls {@link #clientOffers} and then {@link #clientAccept}. Usually driven
 * through {@link ExtensionNegotiation} rather than directly.
 *
 * <p><b>Threading:</b> implementations are immutable or otherwise thread-safe; handshakes of many connections may
 * call one factory at once. Every {@link Extension} returned belongs to the caller, who hands it to one engine
 * (which releases it) or calls {@link Extension#release()} itself if the connection never opens.
 */
public interface ExtensionFactory {

    /** The registered extension name this factory negotiates, e.g. {@code permessage-deflate}. */
    String name();

    /**
     * Server side: picks the first of the client's offers for {@link #name()} that this factory can honour.
     * An offer that is malformed or asks for something unsupported is skipped; it never fails the handshake
     * (RFC 6455 lets a server simply not accept an extension).
     *
     * @param offers the client's offers for this extension, in the client's order of preference; not empty
     * @return the accepted extension and the response to send, or empty to decline every offer
     */
    Optional<AcceptedExtension> serverAccept(List<ExtensionOffer> offers);

    /** Client side: the offers to send for this extension, in order of preference; empty to offer nothing. */
    List<ExtensionOffer> clientOffers();

    /**
     * Client side: validates the server's response for this extension against what {@link #clientOffers()}
     * allowed and creates the connection's extension.
     *
     * @throws HandshakeException with status {@value HandshakeException#CLIENT_SIDE_STATUS} if the response has a
     *                            parameter the client did not allow or a malformed one; the client must then fail
     *                            the connection (RFC 6455 section 9.1)
     */
    Extension clientAccept(ExtensionOffer response);
}
