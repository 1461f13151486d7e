package dev.duplex.core.handshake;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Character classes and small helpers from the HTTP/1.1 grammar (RFC 7230 sections 3.2 and 3.2.6).
 * Stateless; all methods are pure.
 */
final class HttpSyntax {

    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";
    private static final int MESSAGE_QUOTE_LIMIT = 64;

    private HttpSyntax() {}

    /** {@code tchar} of RFC 7230 3.2.6. */
    static boolean isTokenChar(char c) {
        return (c >= '0' && c <= '9')
                || (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || TOKEN_SYMBOLS.indexOf(c) >= 0;
    }

    /** {@code token = 1*tchar}. */
    static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A character allowed inside a field value: HTAB, SP, VCHAR or obs-text (0x80-0xFF). */
    static boolean isFieldValueChar(char c) {
        return c == '\t' || (c >= 0x20 && c <= 0xFF && c != 0x7F);
    }

    /** {@code qdtext} of RFC 7230 3.2.6: a character allowed unescaped inside a quoted-string. */
    static boolean isQuotedTextChar(char c) {
        return isFieldValueChar(c) && c != '"' && c != '\\';
    }

    /** Optional whitespace (OWS) characters: SP and HTAB. */
    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    /** Returns {@code s} without leading and trailing SP/HTAB. */
    static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** ASCII lower case, independent of the default locale. */
    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /**
     * The elements of a comma-separated list ({@code #element}, RFC 7230 section 7) over all given
     * field values, OWS-trimmed, empty elements dropped, in order.
     */
    static List<String> commaList(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String value : values) {
            int start = 0;
            while (start <= value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                String element = trimOws(value.substring(start, end));
                if (!element.isEmpty()) {
                    out.add(element);
                }
                if (comma < 0) {
                    break;
                }
                start = comma + 1;
            }
        }
        return out;
    }

    /** True when any element of the comma lists in {@code values} equals {@code token} ignoring ASCII case. */
    static boolean containsToken(List<String> values, String token) {
        for (String element : commaList(values)) {
            if (element.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Renders untrusted input for an error message: quoted, truncated, control and non-ASCII
     * characters escaped, so messages stay short and safe to log or echo in a text/plain body.
     */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MESSAGE_QUOTE_LIMIT) + 8).append('"');
        int n = Math.min(s.length(), MESSAGE_QUOTE_LIMIT);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                sb.append(c);
            } else if (c <= 0xFF) {
                sb.append(String.format("\\x%02X", (int) c));
            } else {
                sb.append(String.format("\\u%04X", (int) c));
            }
        }
        sb.append('"');
        if (s.length() > MESSAGE_QUOTE_LIMIT) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** True for {@code HTTP-version = "HTTP/" DIGIT "." DIGIT} (RFC 7230 2.6), case-sensitive. */
    static boolean isHttpVersion(String s) {
        return s.length() == 8
                && s.startsWith("HTTP/")
                && isDigit(s.charAt(5))
                && s.charAt(6) == '.'
                && isDigit(s.charAt(7));
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
