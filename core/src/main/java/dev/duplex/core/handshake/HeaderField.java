package dev.duplex.core.handshake;

import java.util.Objects;

/**
 * One header field: a name (an RFC 7230 token, case preserved) and a value (HTAB, SP, VCHAR or
 * obs-text characters U+0080..U+00FF; never CR, LF or other control characters, so a field can be
 * written out without risk of header injection). Immutable.
 *
 * <p>The constructor throws {@link IllegalArgumentException} if the name is not a token or the value contains a
 * forbidden character.
 *
 * @param name  the field name, a non-empty token
 * @param value the field value, possibly empty
 */
public record HeaderField(String name, String value) {

    public HeaderField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!HttpSyntax.isToken(name)) {
            throw new IllegalArgumentException("header field name is not a token: " + HttpSyntax.quote(name));
        }
        for (int i = 0; i < value.length(); i++) {
            if (!HttpSyntax.isFieldValueChar(value.charAt(i))) {
                throw new IllegalArgumentException("header " + name + " has a forbidden character in its value: "
                        + HttpSyntax.quote(value));
            }
        }
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
