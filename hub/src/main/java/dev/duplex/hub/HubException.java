package dev.duplex.hub;

/**
 * A hub operation refused or failed, with the protocol's error code ({@code invalid_topic},
 * {@code too_many_topics}, {@code too_large}, {@code overloaded}, {@code internal}, {@code unavailable}, ...). Server-side
 * {@link Hub#publish} futures complete exceptionally with one of these.
 */
public final class HubException extends RuntimeException {
    private final String code;

    public HubException(String code, String message) {
        super(message);
        this.code = code;
    }

    public HubException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The wire error code, as in an {@code error} message. */
    public String code() {
        return code;
    }
}
