package dev.duplex.core.handshake;

import java.util.Objects;

/**
 * An HTTP/1.x response head: version, status code, reason phrase and headers. Immutable and
 * thread-safe. Usually produced by {@link ResponseParser}; the public constructor is for tests and
 * adapters.
 */
public final class HttpResponse {

    private final String httpVersion;
    private final int status;
    private final String reason;
    private final HttpHeaders headers;

    /**
     * @param httpVersion {@code HTTP/<digit>.<digit>}, e.g. {@code HTTP/1.1}
     * @param status      a three-digit status code (100..999)
     * @param reason      the reason phrase, possibly empty; no CR/LF or other control characters but HTAB
     * @param headers     the header fields
     * @throws IllegalArgumentException if a component is malformed
     */
    public HttpResponse(String httpVersion, int status, String reason, HttpHeaders headers) {
        if (!HttpSyntax.isHttpVersion(Objects.requireNonNull(httpVersion, "httpVersion"))) {
            throw new IllegalArgumentException("invalid HTTP version: " + HttpSyntax.quote(httpVersion));
        }
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status is not three digits: " + status);
        }
        Objects.requireNonNull(reason, "reason");
        for (int i = 0; i < reason.length(); i++) {
            if (!HttpSyntax.isFieldValueChar(reason.charAt(i))) {
                throw new IllegalArgumentException("forbidden character in reason phrase: " + HttpSyntax.quote(reason));
            }
        }
        this.httpVersion = httpVersion;
        this.status = status;
        this.reason = reason;
        this.headers = Objects.requireNonNull(headers, "headers");
    }

    /** The version as sent, e.g. {@code HTTP/1.1}. */
    public String httpVersion() {
        return httpVersion;
    }

    /** The status code, e.g. 101. */
    public int status() {
        return status;
    }

    /** The reason phrase as sent, possibly empty. */
    public String reason() {
        return reason;
    }

    /** The header fields. */
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public String toString() {
        return httpVersion + " " + status + " " + reason + " " + headers;
    }
}
