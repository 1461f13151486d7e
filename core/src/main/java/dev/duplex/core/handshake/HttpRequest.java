package dev.duplex.core.handshake;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP/1.x request head: method, request target, version and headers. Immutable and thread-safe.
 *
 * <p>Strings are exactly as received (header values decoded as ISO-8859-1, i.e. one char per byte);
 * nothing is percent-decoded. Usually produced by {@link RequestParser}; the public constructor is
 * for tests and adapters.
 */
public final class HttpRequest {

    private final String method;
    private final String target;
    private final String httpVersion;
    private final HttpHeaders headers;
    private final Map<String, String> cookies;

    /**
     * @param method      the method, a token such as {@code GET} (case-sensitive)
     * @param target      the request target as sent, e.g. {@code /chat?room=1}; no spaces or control characters
     * @param httpVersion {@code HTTP/<digit>.<digit>}, e.g. {@code HTTP/1.1}
     * @param headers     the header fields
     * @throws IllegalArgumentException if a component is malformed
     */
    public HttpRequest(String method, String target, String httpVersion, HttpHeaders headers) {
        if (!HttpSyntax.isToken(method)) {
            throw new IllegalArgumentException("method is not a token: " + HttpSyntax.quote(method));
        }
        if (!isValidTarget(target)) {
            throw new IllegalArgumentException("invalid request target: " + HttpSyntax.quote(target));
        }
        if (!HttpSyntax.isHttpVersion(Objects.requireNonNull(httpVersion, "httpVersion"))) {
            throw new IllegalArgumentException("invalid HTTP version: " + HttpSyntax.quote(httpVersion));
        }
        this.method = method;
        this.target = target;
        this.httpVersion = httpVersion;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.cookies = parseCookies(headers);
    }

    /** True for a non-empty target of visible ASCII characters (no spaces, controls or non-ASCII). */
    static boolean isValidTarget(String target) {
        if (target == null || target.isEmpty()) {
            return false;
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** The method, e.g. {@code GET}. */
    public String method() {
        return method;
    }

    /** The request target as sent: usually origin-form {@code /path?query}. */
    public String target() {
        return target;
    }

    /** The version as sent, e.g. {@code HTTP/1.1}. */
    public String httpVersion() {
        return httpVersion;
    }

    /** The major version digit, e.g. 1. */
    public int versionMajor() {
        return httpVersion.charAt(5) - '0';
    }

    /** The minor version digit, e.g. 1. */
    public int versionMinor() {
        return httpVersion.charAt(7) - '0';
    }

    /** The header fields. */
    public HttpHeaders headers() {
        return headers;
    }

    /**
     * The path of the target, raw (not percent-decoded), without the query. For an absolute-form target
     * ({@code http://host/p?q}) the path part ({@code /p}, or {@code /} when empty); for any other form
     * the target up to the first {@code ?}.
     */
    public String path() {
        String t = target;
        int scheme = t.indexOf("://");
        if (!t.startsWith("/") && scheme > 0) {
            int authorityEnd = scheme + 3;
            while (authorityEnd < t.length() && t.charAt(authorityEnd) != '/' && t.charAt(authorityEnd) != '?') {
                authorityEnd++;
            }
            t = t.substring(authorityEnd);
            int q = t.indexOf('?');
            String p = q < 0 ? t : t.substring(0, q);
            return p.isEmpty() ? "/" : p;
        }
        int q = t.indexOf('?');
        return q < 0 ? t : t.substring(0, q);
    }

    /** The raw query after the first {@code ?} (possibly empty), or null when the target has no {@code ?}. */
    public String query() {
        int q = target.indexOf('?');
        return q < 0 ? null : target.substring(q + 1);
    }

    /**
     * The cookies of all {@code Cookie} headers ({@code name=value; name2=value2}), in order; for a name
     * sent twice the first value wins. Names and values are trimmed, a value wrapped in double quotes is
     * unwrapped, nothing is decoded; pieces without {@code =} or with an empty name are skipped.
     * Unmodifiable; empty when there are none.
     */
    public Map<String, String> cookies() {
        return cookies;
    }

    private static Map<String, String> parseCookies(HttpHeaders headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String header : headers.all("Cookie")) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = HttpSyntax.trimOws(pair.substring(0, eq));
                String value = HttpSyntax.trimOws(pair.substring(eq + 1));
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (!name.isEmpty()) {
                    out.putIfAbsent(name, value);
                }
            }
        }
        return out.isEmpty() ? Map.of() : Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        return method + " " + target + " " + httpVersion + " " + headers;
    }
}
