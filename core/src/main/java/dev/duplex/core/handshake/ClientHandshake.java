package dev.duplex.core.handshake;

import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * The client side of the RFC 6455 opening handshake (section 4.1) for one connection attempt:
 * renders the upgrade request and validates the server's answer. The random
 * {@code Sec-WebSocket-Key} is drawn once, at construction.
 *
 * <p>Typical use: connect to {@link #host()}:{@link #port()} (TLS when {@link #secure()}), write
 * {@link #request()}, feed received bytes to a {@link ResponseParser}, then call
 * {@link #validate(HttpResponse, ByteBuffer)} with the response and the buffer holding whatever
 * followed the head. After success, bytes left in that buffer are WebSocket frames.
 *
 * <p>Every failure of {@code validate} is a {@link HandshakeException} with
 * {@link HandshakeException#httpStatus()} {@value HandshakeException#CLIENT_SIDE_STATUS}; a non-101
 * answer is the subclass {@link HandshakeRejectedException}. Immutable and thread-safe (if the
 * {@link Random} given is only used here during construction).
 */
public final class ClientHandshake {

    private static final Set<String> RESERVED_HEADERS = Set.of(
            "host", "upgrade", "connection", "content-length", "transfer-encoding");
    private static final String SEC_WEBSOCKET_PREFIX = "sec-websocket-";

    private final boolean secure;
    private final String host;
    private final int port;
    private final String hostHeader;
    private final String requestTarget;
    private final List<String> subprotocols;
    private final List<ExtensionOffer> extensions;
    private final HttpHeaders extraHeaders;
    private final String key;
    private final String expectedAccept;

    /** A handshake for {@code uri} without subprotocols, extensions or extra headers, keyed by a {@link SecureRandom}. */
    public ClientHandshake(URI uri) {
        this(uri, List.of(), List.of(), HttpHeaders.empty(), null);
    }

    /**
     * @param uri          a {@code ws://} or {@code wss://} URI with a host; default ports 80 and 443; no
     *                     fragment or user info. Host names must be ASCII (use {@link java.net.IDN#toASCII}).
     * @param subprotocols the subprotocols to offer in order of preference: distinct tokens; null for none
     * @param extensions   the extensions to offer, in order of preference (the same name may appear more
     *                     than once with different parameters); null for none
     * @param extraHeaders more request headers such as {@code Origin}, {@code Cookie} or
     *                     {@code Authorization}; null for none; may not contain Host, Upgrade, Connection,
     *                     any Sec-WebSocket-* header, Content-Length or Transfer-Encoding
     * @param random       the source of the 16 key bytes; null for a new {@link SecureRandom}
     * @throws IllegalArgumentException if an argument breaks these rules
     */
    public ClientHandshake(URI uri, List<String> subprotocols, List<ExtensionOffer> extensions,
                           HttpHeaders extraHeaders, Random random) {
        Objects.requireNonNull(uri, "uri");
        URI ascii = URI.create(uri.toASCIIString());
        String scheme = ascii.getScheme() == null ? "" : ascii.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("the URI scheme must be ws or wss: " + uri);
        }
        if (ascii.getHost() == null) {
            throw new IllegalArgumentException("the URI has no (ASCII) host: " + uri);
        }
        if (ascii.getRawFragment() != null) {
            throw new IllegalArgumentException("a WebSocket URI must not have a fragment: " + uri);
        }
        if (ascii.getRawUserInfo() != null) {
            throw new IllegalArgumentException("user info in a WebSocket URI is not supported;"
                    + " send an Authorization header instead: " + uri);
        }
        this.secure = scheme.equals("wss");
        int defaultPort = secure ? 443 : 80;
        this.port = ascii.getPort() < 0 ? defaultPort : ascii.getPort();
        String bracketedHost = ascii.getHost();
        this.host = bracketedHost.startsWith("[") && bracketedHost.endsWith("]")
                ? bracketedHost.substring(1, bracketedHost.length() - 1) : bracketedHost;
        this.hostHeader = port == defaultPort ? bracketedHost : bracketedHost + ":" + port;
        String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
        this.requestTarget = ascii.getRawQuery() == null ? path : path + "?" + ascii.getRawQuery();

        this.subprotocols = List.copyOf(subprotocols == null ? List.of() : subprotocols);
        Set<String> seen = new HashSet<>();
        for (String subprotocol : this.subprotocols) {
            if (!HttpSyntax.isToken(subprotocol)) {
                throw new IllegalArgumentException("subprotocol is not a token: " + HttpSyntax.quote(subprotocol));
            }
            if (!seen.add(subprotocol)) {
                throw new IllegalArgumentException("subprotocol offered twice: " + subprotocol);
            }
        }
        this.extensions = List.copyOf(extensions == null ? List.of() : extensions);
        this.extraHeaders = extraHeaders == null ? HttpHeaders.empty() : extraHeaders;
        for (String name : this.extraHeaders.names()) {
            String lower = HttpSyntax.lower(name);
            if (RESERVED_HEADERS.contains(lower) || lower.startsWith(SEC_WEBSOCKET_PREFIX)) {
                throw new IllegalArgumentException("header " + name + " is written by the handshake itself");
            }
        }
        byte[] nonce = new byte[16];
        (random == null ? new SecureRandom() : random).nextBytes(nonce);
        this.key = Base64.getEncoder().encodeToString(nonce);
        this.expectedAccept = AcceptKey.of(key);
    }

    /** True for {@code wss}: the connection must use TLS. */
    public boolean secure() {
        return secure;
    }

    /** The host to connect to, without IPv6 brackets. */
    public String host() {
        return host;
    }

    /** The port to connect to (the URI's, or 80/443). */
    public int port() {
        return port;
    }

    /** The request target sent: the raw path ({@code /} if empty) and query. */
    public String requestTarget() {
        return requestTarget;
    }

    /** The {@code Sec-WebSocket-Key} sent: base64 of 16 random bytes. */
    public String key() {
        return key;
    }

    /**
     * The complete request bytes: {@code GET <target> HTTP/1.1}, {@code Host} (port omitted when
     * default, IPv6 bracketed), {@code Upgrade: websocket}, {@code Connection: Upgrade},
     * {@code Sec-WebSocket-Key}, {@code Sec-WebSocket-Version: 13}, {@code Sec-WebSocket-Protocol} and
     * {@code Sec-WebSocket-Extensions} when offered, then the extra headers. New array per call.
     */
    public byte[] request() {
        HeadWriter writer = new HeadWriter("GET " + requestTarget + " HTTP/1.1")
                .header("Host", hostHeader)
                .header("Upgrade", "websocket")
                .header("Connection", "Upgrade")
                .header("Sec-WebSocket-Key", key)
                .header("Sec-WebSocket-Version", ServerHandshake.WEBSOCKET_VERSION);
        if (!subprotocols.isEmpty()) {
            writer.header("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
        }
        if (!extensions.isEmpty()) {
            writer.header("Sec-WebSocket-Extensions", ExtensionOffer.renderHeader(extensions));
        }
        return writer.headers(extraHeaders).finish();
    }

    /**
     * Checks the server's answer against RFC 6455 section 4.1.
     *
     * @param response the parsed response head
     * @param body     the bytes received after the head (null if none); only read for the preview of a
     *                 rejection, never consumed: its position is unchanged
     * @return the chosen subprotocol and accepted extensions
     * @throws HandshakeRejectedException if the status is not 101 (with status, reason, headers and up
     *                                    to 1 KiB of {@code body} as a preview)
     * @throws HandshakeException         (status 502) if a 101 lacks the {@code websocket} token in
     *                                    Upgrade or {@code Upgrade} in Connection, has a missing or wrong
     *                                    Sec-WebSocket-Accept, selects a subprotocol not offered (or any
     *                                    when none was offered, or more than one), or accepts an
     *                                    extension whose name was not offered or a malformed extension header
     */
    public HandshakeResult validate(HttpResponse response, ByteBuffer body) {
        HttpHeaders headers = response.headers();
        if (response.status() != 101) {
            throw new HandshakeRejectedException(response.status(), response.reason(), headers,
                    BodyPreview.of(body, headers, HandshakeRejectedException.MAX_BODY_PREVIEW_BYTES));
        }
        if (!headers.containsToken("Upgrade", "websocket")) {
            throw failure("the server's Upgrade header does not contain websocket: "
                    + HttpSyntax.quote(String.join(", ", headers.all("Upgrade"))));
        }
        if (!headers.containsToken("Connection", "Upgrade")) {
            throw failure("the server's Connection header does not contain Upgrade: "
                    + HttpSyntax.quote(String.join(", ", headers.all("Connection"))));
        }
        List<String> accepts = headers.all("Sec-WebSocket-Accept");
        if (accepts.size() != 1) {
            throw failure(accepts.isEmpty() ? "the server sent no Sec-WebSocket-Accept header"
                    : "the server sent more than one Sec-WebSocket-Accept header");
        }
        if (!accepts.get(0).equals(expectedAccept)) {
            throw failure("wrong Sec-WebSocket-Accept: expected " + expectedAccept + " but got "
                    + HttpSyntax.quote(accepts.get(0)));
        }
        String subprotocol = chosenSubprotocol(headers);
        List<ExtensionOffer> accepted;
        try {
            accepted = ExtensionOffer.parseHeader(headers.all("Sec-WebSocket-Extensions"));
        } catch (HandshakeException e) {
            throw new HandshakeException(HandshakeException.CLIENT_SIDE_STATUS,
                    "in the server's response: " + e.getMessage(), e);
        }
        for (ExtensionOffer extension : accepted) {
            if (extensions.stream().noneMatch(offer -> offer.name().equals(extension.name()))) {
                throw failure("the server accepted extension " + extension.name() + " which was not offered");
            }
        }
        return new HandshakeResult(subprotocol, accepted, response);
    }

    private String chosenSubprotocol(HttpHeaders headers) {
        List<String> values = headers.all("Sec-WebSocket-Protocol");
        if (values.isEmpty()) {
            return null;
        }
        List<String> chosen = new ArrayList<>(HttpSyntax.commaList(values));
        if (chosen.size() != 1 || values.size() != 1) {
            throw failure("the server must select exactly one subprotocol, got "
                    + HttpSyntax.quote(String.join(", ", values)));
        }
        String subprotocol = chosen.get(0);
        if (subprotocols.isEmpty()) {
            throw failure("the server selected subprotocol " + HttpSyntax.quote(subprotocol)
                    + " but none was offered");
        }
        if (!subprotocols.contains(subprotocol)) {
            throw failure("the server selected subprotocol " + HttpSyntax.quote(subprotocol)
                    + " which was not offered; offered: " + subprotocols);
        }
        return subprotocol;
    }

    private static HandshakeException failure(String message) {
        return new HandshakeException(HandshakeException.CLIENT_SIDE_STATUS, message);
    }
}
