package dev.duplex.core.handshake;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser of {@code Sec-WebSocket-Extensions} values (RFC 6455 9.1 with the RFC 7230
 * token / quoted-string / OWS rules). One instance per header value; not thread-safe.
 */
final class ExtensionHeaderParser {

    private final String input;
    private int pos;

    private ExtensionHeaderParser(String input) {
        this.input = input;
    }

    static List<ExtensionOffer> parse(List<String> headerValues) {
        List<ExtensionOffer> out = new ArrayList<>();
        for (String value : headerValues) {
            new ExtensionHeaderParser(value).parseList(out);
        }
        return List.copyOf(out);
    }

    private void parseList(List<ExtensionOffer> out) {
        while (true) {
            skipOws();
            if (atEnd()) {
                return;
            }
            if (peek() == ',') {
                pos++;
                continue;
            }
            out.add(parseExtension());
            skipOws();
            if (atEnd()) {
                return;
            }
            if (peek() != ',') {
                throw malformed("expected ',' or ';' but found " + found());
            }
            pos++;
        }
    }

    private ExtensionOffer parseExtension() {
        String name = token("an extension name");
        List<ExtensionParam> params = new ArrayList<>();
        skipOws();
        while (!atEnd() && peek() == ';') {
            pos++;
            skipOws();
            String paramName = token("a parameter name for extension " + name);
            skipOws();
            String value = null;
            if (!atEnd() && peek() == '=') {
                pos++;
                skipOws();
                value = !atEnd() && peek() == '"'
                        ? quotedString(paramName)
                        : token("a value for parameter " + paramName);
                skipOws();
            }
            params.add(new ExtensionParam(paramName, value));
        }
        return new ExtensionOffer(name, params);
    }

    private String token(String what) {
        int start = pos;
        while (!atEnd() && HttpSyntax.isTokenChar(peek())) {
            pos++;
        }
        if (pos == start) {
            throw malformed("expected " + what + " but found " + found());
        }
        return input.substring(start, pos);
    }

    private String quotedString(String paramName) {
        int start = pos;
        pos++; // opening DQUOTE
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (atEnd()) {
                pos = start;
                throw malformed("unterminated quoted-string in the value of parameter " + paramName);
            }
            char c = input.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (atEnd()) {
                    pos = start;
                    throw malformed("unterminated quoted-string in the value of parameter " + paramName);
                }
                c = input.charAt(pos++);
                if (!HttpSyntax.isFieldValueChar(c)) {
                    pos--;
                    throw malformed("invalid escaped character in the value of parameter " + paramName);
                }
                sb.append(c);
            } else if (HttpSyntax.isQuotedTextChar(c)) {
                sb.append(c);
            } else {
                pos--;
                throw malformed("invalid character in the quoted value of parameter " + paramName);
            }
        }
    }

    private void skipOws() {
        while (!atEnd() && HttpSyntax.isWhitespace(peek())) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= input.length();
    }

    private char peek() {
        return input.charAt(pos);
    }

    private String found() {
        return atEnd() ? "the end of the value" : HttpSyntax.quote(String.valueOf(peek()));
    }

    private HandshakeException malformed(String what) {
        return new HandshakeException(400, "malformed Sec-WebSocket-Extensions header: " + what
                + " at position " + pos + " of " + HttpSyntax.quote(input));
    }
}
