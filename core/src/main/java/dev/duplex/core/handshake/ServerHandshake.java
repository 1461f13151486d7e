package dev.duplex.core.handshake;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * The server side of the RFC 6455 opening handshake (section 4.2) as pure functions: validate a
 * parsed request, compute the accept key, render the 101 answer or an error answer.
 * Stateless and thread-safe.
 *
 * <p>Typical use: feed bytes to a {@link RequestParser}; if {@link #isUpgradeRequest(HttpRequest)} is
 * false treat the request as plain HTTP; otherwise {@link #validate(HttpRequest)}, choose a
 * subprotocol and extensions, write {@link #response101}. On a {@link HandshakeException}, write
 * {@link #errorResponse(HandshakeException)} and close the connection.
 */
public final class ServerHandshake {

    /** The only protocol version supported, sent back in a 426 answer. */
    public static final String WEBSOCKET_VERSION = "13";

    private static final Set<String> RESERVED_101_HEADERS = Set.of(
            "upgrade", "connection", "content-length", "transfer-encoding");
    private static final String SEC_WEBSOCKET_PREFIX = "sec-websocket-";
    private static final Set<String> RESERVED_ERROR_HEADERS = Set.of(
            "connection", "content-length", "transfer-encoding");

    private ServerHandshake() {}

    /**
     * True when the request asks for a WebSocket: its {@code Upgrade} header contains the token
     * {@code websocket} (any case, anywhere in a comma list). False means ordinary HTTP, which the
     * caller may serve itself; true means {@link #validate} should decide.
     */
    public static boolean isUpgradeRequest(HttpRequest request) {
        return request.headers().containsToken("Upgrade", "websocket");
    }

    /**
     * Checks a request against RFC 6455 section 4.2.1, in this order:
     * <ol>
     *   <li>method {@code GET}, else 405;</li>
     *   <li>HTTP/1.1 or later, else 505;</li>
     *   <li>exactly one non-empty {@code Host}, else 400;</li>
     *   <li>{@code Upgrade} contains the token {@code websocket}, else 400;</li>
     *   <li>{@code Connection} contains the token {@code Upgrade}, else 400;</li>
     *   <li>exactly one {@code Sec-WebSocket-Version} equal to {@code 13}, else 426;</li>
     *   <li>exactly one {@code Sec-WebSocket-Key}, the canonical base64 of 16 bytes, else 400;</li>
     *   <li>{@code Sec-WebSocket-Protocol} elements are tokens, else 400;</li>
     *   <li>{@code Sec-WebSocket-Extensions} is well-formed, else 400.</li>
     * </ol>
     * Tokens are matched ignoring case and surrounding whitespace.
     *
     * @return what the client asked for
     * @throws HandshakeException with the status to answer and a message naming the header
     */
    public static ClientHello validate(HttpRequest request) {
        HttpHeaders headers = request.headers();
        if (!request.method().equals("GET")) {
            throw new HandshakeException(405, "the WebSocket handshake must use GET, not "
                    + HttpSyntax.quote(request.method()));
        }
        if (request.versionMajor() < 1 || (request.versionMajor() == 1 && request.versionMinor() < 1)) {
            throw new HandshakeException(505, "the WebSocket handshake needs HTTP/1.1 or later, not "
                    + request.httpVersion());
        }
        List<String> hosts = headers.all("Host");
        if (hosts.size() != 1 || hosts.get(0).isEmpty()) {
            throw new HandshakeException(400, hosts.isEmpty() ? "missing Host header"
                    : hosts.size() > 1 ? "more than one Host header" : "empty Host header");
        }
        if (!headers.containsToken("Upgrade", "websocket")) {
            throw new HandshakeException(400, "the Upgrade header must contain the token websocket, got "
                    + describe(headers.all("Upgrade")));
        }
        if (!headers.containsToken("Connection", "Upgrade")) {
            throw new HandshakeException(400, "the Connection header must contain the token Upgrade, got "
                    + describe(headers.all("Connection")));
        }
        List<String> versions = headers.all("Sec-WebSocket-Version");
        if (versions.size() != 1 || !versions.get(0).equals(WEBSOCKET_VERSION)) {
            throw new HandshakeException(426, "unsupported Sec-WebSocket-Version " + describe(versions)
                    + "; this server supports version " + WEBSOCKET_VERSION);
        }
        List<String> keys = headers.all("Sec-WebSocket-Key");
        if (keys.size() != 1) {
            throw new HandshakeException(400, keys.isEmpty() ? "missing Sec-WebSocket-Key header"
                    : "more than one Sec-WebSocket-Key header");
        }
        String key = keys.get(0);
        if (!AcceptKey.isValidKey(key)) {
            throw new HandshakeException(400, "Sec-WebSocket-Key must be the base64 encoding of 16 bytes, got "
                    + HttpSyntax.quote(key));
        }
        List<String> subprotocols = HttpSyntax.commaList(headers.all("Sec-WebSocket-Protocol"));
        for (String subprotocol : subprotocols) {
            if (!HttpSyntax.isToken(subprotocol)) {
                throw new HandshakeException(400, "Sec-WebSocket-Protocol has an element that is not a token: "
                        + HttpSyntax.quote(subprotocol));
            }
        }
        List<ExtensionOffer> extensions = ExtensionOffer.parseHeader(headers.all("Sec-WebSocket-Extensions"));
        return new ClientHello(request, key, headers.first("Origin"), subprotocols, extensions);
    }

    /**
     * {@code base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))}, the
     * {@code Sec-WebSocket-Accept} value for a {@code Sec-WebSocket-Key} (RFC 6455 4.2.2). The key
     * is used as given, without validation.
     */
    public static String acceptKey(String key) {
        return AcceptKey.of(key);
    }

    /** {@link #response101(ClientHello, String, List, HttpHeaders)} without subprotocol, extensions or extra headers. */
    public static byte[] response101(ClientHello hello) {
        return response101(hello, null, List.of(), HttpHeaders.empty());
    }

    /**
     * The complete {@code HTTP/1.1 101 Switching Protocols} answer: {@code Upgrade: websocket},
     * {@code Connection: Upgrade}, {@code Sec-WebSocket-Accept}, then {@code Sec-WebSocket-Protocol} if
     * a subprotocol was chosen, {@code Sec-WebSocket-Extensions} if any extension was accepted, then the
     * extra headers (e.g. {@code Set-Cookie}), ending with the empty line. No body.
     *
     * @param hello              the validated request
     * @param subprotocol        the chosen subprotocol, exactly as the client offered it; null for none
     * @param acceptedExtensions the accepted extensions with the parameters of the answer, in the order
     *                           they apply; each name must be one the client offered; null or empty for none
     * @param extraHeaders       more headers, null for none; may not contain Upgrade, Connection,
     *                           any Sec-WebSocket-* header, Content-Length or Transfer-Encoding
     * @return new bytes owned by the caller
     * @throws IllegalArgumentException if the subprotocol or an extension was not offered, or an extra
     *                                  header is one the handshake writes itself
     */
    public static byte[] response101(ClientHello hello, String subprotocol, List<ExtensionOffer> acceptedExtensions,
                                     HttpHeaders extraHeaders) {
        List<ExtensionOffer> extensions = acceptedExtensions == null ? List.of() : acceptedExtensions;
        HttpHeaders extra = extraHeaders == null ? HttpHeaders.empty() : extraHeaders;
        if (subprotocol != null && !hello.subprotocols().contains(subprotocol)) {
            throw new IllegalArgumentException("subprotocol " + HttpSyntax.quote(subprotocol)
                    + " was not offered by the client; offered: " + hello.subprotocols());
        }
        for (ExtensionOffer accepted : extensions) {
            if (hello.extensionOffers().stream().noneMatch(offer -> offer.name().equals(accepted.name()))) {
                throw new IllegalArgumentException("extension " + accepted.name() + " was not offered by the client");
            }
        }
        rejectReserved(extra, RESERVED_101_HEADERS, SEC_WEBSOCKET_PREFIX);
        HeadWriter writer = new HeadWriter("HTTP/1.1 101 Switching Protocols")
                .header("Upgrade", "websocket")
                .header("Connection", "Upgrade")
                .header("Sec-WebSocket-Accept", AcceptKey.of(hello.key()));
        if (subprotocol != null) {
            writer.header("Sec-WebSocket-Protocol", subprotocol);
        }
        if (!extensions.isEmpty()) {
            writer.header("Sec-WebSocket-Extensions", ExtensionOffer.renderHeader(extensions));
        }
        return writer.headers(extra).finish();
    }

    /**
     * A complete error answer for a failed handshake: status {@link HandshakeException#httpStatus()},
     * the exception's message as the body. Adds {@code Allow: GET} to a 405 and
     * {@code Sec-WebSocket-Version: 13} plus {@code Upgrade: websocket} to a 426 (RFC 6455 4.4,
     * RFC 7231 6.5.15), whose {@code Connection} is then {@code Upgrade, close}.
     *
     * @throws IllegalArgumentException if the status is not 400..599 (e.g. a client-side exception)
     */
    public static byte[] errorResponse(HandshakeException e) {
        HttpHeaders.Builder extra = HttpHeaders.builder();
        if (e.httpStatus() == 405) {
            extra.add("Allow", "GET");
        }
        return errorResponse(e.httpStatus(), null, extra.build(), e.getMessage());
    }

    /**
     * A complete HTTP/1.1 error answer: status line, {@code Connection: close} ({@code Upgrade, close}
     * for 426), {@code Content-Type: text/plain; charset=utf-8} unless {@code extra} has a Content-Type,
     * {@code Content-Length}, the extra headers, and the body (followed by a newline) in UTF-8. A 426
     * also gets {@code Upgrade: websocket} and {@code Sec-WebSocket-Version: 13} unless {@code extra}
     * already has them.
     *
     * @param status the status, 400..599
     * @param reason the reason phrase, or null for the standard one
     * @param extra  more headers, null for none; may not contain Connection, Content-Length or Transfer-Encoding
     * @param body   the text of the body, null or empty for none
     * @return new bytes owned by the caller
     * @throws IllegalArgumentException if the status is out of range, the reason has control characters
     *                                  or an extra header is reserved
     */
    public static byte[] errorResponse(int status, String reason, HttpHeaders extra, String body) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error response needs a 4xx or 5xx status, not " + status);
        }
        HttpHeaders headers = extra == null ? HttpHeaders.empty() : extra;
        rejectReserved(headers, RESERVED_ERROR_HEADERS, null);
        String phrase = reason == null ? ReasonPhrases.of(status) : reason;
        // Constructing the status line as an HttpResponse validates the reason phrase.
        HttpResponse statusLine = new HttpResponse("HTTP/1.1", status, phrase, HttpHeaders.empty());
        byte[] bodyBytes = body == null || body.isEmpty() ? new byte[0]
                : (body + "\n").getBytes(StandardCharsets.UTF_8);
        HeadWriter writer = new HeadWriter("HTTP/1.1 " + status + " " + statusLine.reason());
        if (status == 426) {
            writer.header("Connection", "Upgrade, close");
            if (!headers.contains("Upgrade")) {
                writer.header("Upgrade", "websocket");
            }
            if (!headers.contains("Sec-WebSocket-Version")) {
                writer.header("Sec-WebSocket-Version", WEBSOCKET_VERSION);
            }
        } else {
            writer.header("Connection", "close");
        }
        if (!headers.contains("Content-Type")) {
            writer.header("Content-Type", "text/plain; charset=utf-8");
        }
        writer.header("Content-Length", Integer.toString(bodyBytes.length));
        return writer.headers(headers).finish(bodyBytes);
    }

    private static void rejectReserved(HttpHeaders headers, Set<String> reserved, String reservedPrefix) {
        for (String name : headers.names()) {
            String lower = HttpSyntax.lower(name);
            if (reserved.contains(lower) || (reservedPrefix != null && lower.startsWith(reservedPrefix))) {
                throw new IllegalArgumentException("header " + name + " is written by the handshake itself");
            }
        }
    }

    private static String describe(List<String> values) {
        if (values.isEmpty()) {
            return "no such header";
        }
        return values.size() == 1 ? HttpSyntax.quote(values.get(0)) : HttpSyntax.quote(String.join(", ", values));
    }
}
