package dev.duplex.core.handshake;

/**
 * The one typed error for a failed WebSocket opening handshake, on either side.
 *
 * <p>On the <b>server</b> side ({@link RequestParser}, {@link ServerHandshake}) {@link #httpStatus()}
 * is the status the server should answer with, typically by writing
 * {@link ServerHandshake#errorResponse(HandshakeException)} and closing the connection:
 * <ul>
 *   <li>400 – malformed request or a missing/invalid handshake header,</li>
 *   <li>405 – a method other than GET,</li>
 *   <li>414 – the request line alone exceeds the head size limit,</li>
 *   <li>426 – a missing or unsupported {@code Sec-WebSocket-Version},</li>
 *   <li>431 – header block too large or too many header fields,</li>
 *   <li>505 – HTTP/1.0 or older.</li>
 * </ul>
 *
 * <p>On the <b>client</b> side ({@link ResponseParser}, {@link ClientHandshake}) nothing is answered;
 * {@link #httpStatus()} is always {@value #CLIENT_SIDE_STATUS} (Bad Gateway: the server's response was
 * unacceptable), which is the natural status for a proxy to report upstream.
 *
 * <p>The message says what was wrong and which header; any echoed input is quoted, escaped and
 * truncated, so it is safe to log and to send in a text/plain error body. Instances are immutable.
 */
public class HandshakeException extends RuntimeException {

    /** The {@link #httpStatus()} of every failure detected on the client side. */
    public static final int CLIENT_SIDE_STATUS = 502;

    private final int httpStatus;

    /**
     * @param httpStatus the HTTP status describing the failure (see the class documentation)
     * @param message    what was wrong, for a person
     */
    public HandshakeException(int httpStatus, String message) {
        super(message);
        this.httpStatus = httpStatus;
    }

    /**
     * @param httpStatus the HTTP status describing the failure (see the class documentation)
     * @param message    what was wrong, for a person
     * @param cause      the underlying failure, may be null
     */
    public HandshakeException(int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status describing the failure: what a server should answer, or 502 on the client side. */
    public int httpStatus() {
        return httpStatus;
    }
}
