package dev.duplex.core;

/**
 * The one error the engine raises for a peer that broke RFC 6455 (or RFC 7692): a malformed frame, invalid
 * UTF-8, a message over the configured limit, a bad close payload. It carries the close code the RFC
 * prescribes; the engine has already queued a close frame with that code when this is reported.
 *
 * <p>Nothing else escapes the engine whatever bytes arrive: any other exception is a bug in duplex.
 */
public final class ProtocolException extends RuntimeException {
    private final int closeCode;

    public ProtocolException(int closeCode, String message) {
        super(message, null, false, false);
        this.closeCode = closeCode;
    }

    public ProtocolException(int closeCode, String message, Throwable cause) {
        super(message, cause, false, false);
        this.closeCode = closeCode;
    }

    /** The close code sent to the peer: 1002, 1007, 1009 or 1011 (see {@link CloseCodes}). */
    public int closeCode() {
        return closeCode;
    }
}
