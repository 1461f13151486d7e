package dev.duplex.core.handshake;

import java.util.Objects;

/**
 * Client side: the server answered the opening handshake with a status other than 101, so the
 * connection is not a WebSocket. Carries what the server said so callers can report it or react
 * (for example to a 401 or a redirect): {@link #status()}, {@link #reason()}, {@link #headers()} and
 * a {@link #bodyPreview()} of at most {@value #MAX_BODY_PREVIEW_BYTES} bytes of the body that were
 * already received, decoded leniently as UTF-8 (malformed bytes become U+FFFD).
 *
 * <p>{@link #httpStatus()} is {@value HandshakeException#CLIENT_SIDE_STATUS} like every client-side
 * failure; the server's own status is {@link #status()}. Immutable.
 */
public class HandshakeRejectedException extends HandshakeException {

    /** The most body bytes kept in {@link #bodyPreview()}. */
    public static final int MAX_BODY_PREVIEW_BYTES = 1024;

    private final int status;
    private final String reason;
    private final transient HttpHeaders headers;
    private final String bodyPreview;

    /**
     * @param status      the status code the server answered with
     * @param reason      the server's reason phrase (may be empty, not null)
     * @param headers     the server's response headers
     * @param bodyPreview the start of the response body, already decoded and bounded by the caller
     */
    public HandshakeRejectedException(int status, String reason, HttpHeaders headers, String bodyPreview) {
        super(CLIENT_SIDE_STATUS, "server rejected the WebSocket handshake with "
                + status + (reason == null || reason.isEmpty() ? "" : " " + HttpSyntax.quote(reason)));
        this.status = status;
        this.reason = reason == null ? "" : reason;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.bodyPreview = bodyPreview == null ? "" : bodyPreview;
    }

    /** The status code the server answered with (never 101). */
    public int status() {
        return status;
    }

    /** The server's reason phrase, possibly empty. */
    public String reason() {
        return reason;
    }

    /** The server's response headers. */
    public HttpHeaders headers() {
        return headers;
    }

    /** At most {@value #MAX_BODY_PREVIEW_BYTES} bytes of the response body that were available, as text. */
    public String bodyPreview() {
        return bodyPreview;
    }
}
