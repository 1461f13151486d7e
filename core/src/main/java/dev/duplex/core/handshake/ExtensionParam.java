package dev.duplex.core.handshake;

import java.util.Objects;

/**
 * One parameter of an {@link ExtensionOffer}: {@code name} or {@code name=value} in a
 * {@code Sec-WebSocket-Extensions} header (RFC 6455 section 9.1). Immutable.
 *
 * <p>The constructor throws {@link IllegalArgumentException} if the name is not a token or the value has a
 * character that cannot appear in a header (CR, LF, other controls, or above U+00FF).
 *
 * @param name  the parameter name, a token (compared as given; the extension decides case rules)
 * @param value the value with any quoting removed, or null when the parameter has no value
 */
public record ExtensionParam(String name, String value) {

    public ExtensionParam {
        if (!HttpSyntax.isToken(Objects.requireNonNull(name, "name"))) {
            throw new IllegalArgumentException("extension parameter name is not a token: " + HttpSyntax.quote(name));
        }
        if (value != null) {
            for (int i = 0; i < value.length(); i++) {
                if (!HttpSyntax.isFieldValueChar(value.charAt(i))) {
                    throw new IllegalArgumentException("extension parameter " + name
                            + " has a value that cannot be sent in a header: " + HttpSyntax.quote(value));
                }
            }
        }
    }

    /** A parameter without a value, e.g. {@code client_no_context_takeover}. */
    public static ExtensionParam of(String name) {
        return new ExtensionParam(name, null);
    }

    /** A parameter with a value, e.g. {@code server_max_window_bits=10}. */
    public static ExtensionParam of(String name, String value) {
        return new ExtensionParam(name, Objects.requireNonNull(value, "value"));
    }

    /** True when the parameter has a value. */
    public boolean hasValue() {
        return value != null;
    }

    /** Renders {@code name}, {@code name=token} or {@code name="quoted \" string"} (quoted only when not a token). */
    public String toHeaderValue() {
        if (value == null) {
            return name;
        }
        if (HttpSyntax.isToken(value)) {
            return name + "=" + value;
        }
        StringBuilder sb = new StringBuilder(name.length() + value.length() + 4).append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }
}
