package dev.duplex.net;

import java.util.Objects;

/**
 * The decision of an {@link AcceptHook}: accept the upgrade, optionally attaching user data to the session, or
 * reject it with an HTTP status in 400..499 and a plain-text body. Immutable.
 */
public final class Acceptance {
    private static final Acceptance ACCEPT = new Acceptance(true, null, 0, null);

    private final boolean accepted;
    private final Object attachment;
    private final int status;
    private final String body;

    private Acceptance(boolean accepted, Object attachment, int status, String body) {
        this.accepted = accepted;
        this.attachment = attachment;
        this.status = status;
        this.body = body;
    }

    public static Acceptance accept() {
        return ACCEPT;
    }

    /** Accepts and makes {@code attachment} the session's {@link ServerSession#attachment()}. */
    public static Acceptance accept(Object attachment) {
        return new Acceptance(true, attachment, 0, null);
    }

    /**
     * Rejects the upgrade: the client gets {@code status} with {@code body} as text/plain, and the connection is
     * closed.
     *
     * @throws IllegalArgumentException if {@code status} is not 400..499
     */
    public static Acceptance reject(int status, String body) {
        if (status < 400 || status > 499) {
            throw new IllegalArgumentException("a rejection needs a 4xx status, not " + status);
        }
        return new Acceptance(false, null, status, Objects.requireNonNullElse(body, ""));
    }

    public boolean isAccepted() {
        return accepted;
    }

    public Object attachment() {
        return attachment;
    }

    /** The rejection status; 0 when accepted. */
    public int status() {
        return status;
    }

    /** The rejection body; null when accepted. */
    public String body() {
        return body;
    }
}
