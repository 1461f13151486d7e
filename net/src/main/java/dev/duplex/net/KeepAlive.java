package dev.duplex.net;

import dev.duplex.core.handshake.HttpHeaders;
import dev.duplex.core.handshake.HttpRequest;

import java.time.Duration;

/**
 * The server's plain-HTTP persistence rules: how long an idle connection waits for its next request and how many
 * requests one connection may carry. {@link #allows} decides per request: HTTP/1.1 keeps the connection unless
 * the client sent {@code Connection: close}; HTTP/1.0 only with {@code Connection: keep-alive}; a request with a
 * body (Content-Length other than 0, or Transfer-Encoding) closes, because the server does not read request
 * bodies and their bytes must not be taken for the next request. Immutable.
 *
 * @param idleTimeoutNanos how long a kept connection may wait for the next request head to start; 0 = no
 *                         keep-alive at all
 * @param maxRequests      the most requests one connection serves (the last reply says {@code Connection: close})
 */
record KeepAlive(long idleTimeoutNanos, int maxRequests) {
    /** The defaults: 5 seconds idle, 100 requests. */
    static final KeepAlive DEFAULT = new KeepAlive(Duration.ofSeconds(5).toNanos(), 100);

    /** Whether the connection may stay open after answering {@code request}, its {@code number}th (from 1). */
    boolean allows(HttpRequest request, int number) {
        String length = request.headers().first("Content-Length");
        return (length == null || length.strip().equals("0")) && allowsAfterBody(request, number);
    }

    /**
     * As {@link #allows}, for a request whose Content-Length body the server read (an {@link HttpCall}'s): its
     * body does not force a close.
     */
    boolean allowsAfterBody(HttpRequest request, int number) {
        if (idleTimeoutNanos <= 0 || number >= maxRequests) {
            return false;
        }
        HttpHeaders h = request.headers();
        if (h.containsToken("Connection", "close") || h.contains("Transfer-Encoding")) {
            return false;
        }
        if (request.versionMajor() == 1 && request.versionMinor() == 0) {
            return h.containsToken("Connection", "keep-alive");
        }
        return request.versionMajor() == 1;
    }
}
