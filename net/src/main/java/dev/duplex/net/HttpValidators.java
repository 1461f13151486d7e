package dev.duplex.net;

import dev.duplex.core.handshake.HttpRequest;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Conditional GET (RFC 9110 section 13): whether a request's {@code If-None-Match} or {@code If-Modified-Since}
 * says the client's copy is current, and the HTTP date format. {@code If-None-Match} wins when both are sent, and
 * is compared weakly (a {@code W/} prefix and the {@code -gz} suffix of the compressed variant's tag are
 * ignored), as a GET's validation allows. Stateless.
 */
final class HttpValidators {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private HttpValidators() {
    }

    /** {@code "<tag>"} for an opaque tag of safe characters. */
    static String etag(String opaque) {
        return '"' + opaque + '"';
    }

    /** The tag of the gzip variant of a representation tagged {@code etag}. */
    static String gzipVariant(String etag) {
        return etag.substring(0, etag.length() - 1) + "-gz\"";
    }

    /** Whether the client's cached copy, validated by {@code etag} or {@code lastModifiedMillis}, is current. */
    static boolean notModified(HttpRequest request, String etag, long lastModifiedMillis) {
        String ifNoneMatch = request.headers().first("If-None-Match");
        if (ifNoneMatch != null) {
            return matches(ifNoneMatch, etag);
        }
        String ifModifiedSince = request.headers().first("If-Modified-Since");
        if (ifModifiedSince == null || lastModifiedMillis <= 0) {
            return false;
        }
        try {
            Instant since = Instant.from(HTTP_DATE.parse(ifModifiedSince.strip()));
            return lastModifiedMillis / 1000 <= since.getEpochSecond();
        } catch (DateTimeParseException e) {
            return false; // an invalid date is ignored (RFC 9110 13.1.3)
        }
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        String wanted = opaque(etag);
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.strip();
            if (c.equals("*") || opaque(c).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        String t = tag.startsWith("W/") ? tag.substring(2) : tag;
        if (t.endsWith("-gz\"")) {
            t = t.substring(0, t.length() - 4) + '"';
        }
        return t;
    }

    /** An IMF-fixdate, e.g. {@code Sun, 6 Nov 1994 08:49:37 GMT}. */
    static String date(long epochMillis) {
        return HTTP_DATE.format(Instant.ofEpochMilli(epochMillis));
    }
}
