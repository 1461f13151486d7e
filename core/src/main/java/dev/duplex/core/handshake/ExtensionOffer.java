package dev.duplex.core.handshake;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One extension from a {@code Sec-WebSocket-Extensions} header (RFC 6455 section 9.1): a name and
 * its ordered parameters, e.g. {@code permessage-deflate; client_max_window_bits}. Used both for
 * what a client offers and for what a server accepts. Immutable.
 *
 * <p>This type only carries syntax. Whether parameters are known, duplicated or have acceptable values
 * is for the extension itself to decide.
 *
 * <p>The constructor throws {@link IllegalArgumentException} if the name is not a token.
 *
 * @param name   the extension name, a token
 * @param params the parameters in header order (copied; unmodifiable)
 */
public record ExtensionOffer(String name, List<ExtensionParam> params) {

    public ExtensionOffer {
        if (!HttpSyntax.isToken(Objects.requireNonNull(name, "name"))) {
            throw new IllegalArgumentException("extension name is not a token: " + HttpSyntax.quote(name));
        }
        params = List.copyOf(params);
    }

    /** An extension with the given parameters, e.g. {@code of("permessage-deflate", ExtensionParam.of("client_max_window_bits"))}. */
    public static ExtensionOffer of(String name, ExtensionParam... params) {
        return new ExtensionOffer(name, List.of(params));
    }

    /**
     * Parses every value of the {@code Sec-WebSocket-Extensions} headers of a message, in order:
     * {@code extension *( "," extension )}, {@code extension = token *( ";" param )},
     * {@code param = token [ "=" ( token / quoted-string ) ]}, OWS allowed around {@code , ; =}.
     * Quoted-string values are unquoted with backslash escapes resolved. Empty list elements
     * ({@code "a, , b"}) are ignored as RFC 7230 section 7 requires; no values give an empty list.
     *
     * @param headerValues the field values, e.g. {@code headers.all("Sec-WebSocket-Extensions")}
     * @return the extensions in order; unmodifiable
     * @throws HandshakeException with status 400 naming the problem and its position if a value is malformed
     */
    public static List<ExtensionOffer> parseHeader(List<String> headerValues) {
        return ExtensionHeaderParser.parse(headerValues);
    }

    /** Renders a list as one header value: the extensions' {@link #toHeaderValue()} joined by {@code ", "}. */
    public static String renderHeader(List<ExtensionOffer> extensions) {
        return extensions.stream().map(ExtensionOffer::toHeaderValue).collect(Collectors.joining(", "));
    }

    /** Renders this extension as {@code name; param; param=value}, quoting values only when they are not tokens. */
    public String toHeaderValue() {
        StringBuilder sb = new StringBuilder(name);
        for (ExtensionParam param : params) {
            sb.append("; ").append(param.toHeaderValue());
        }
        return sb.toString();
    }
}
