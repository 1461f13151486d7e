package dev.duplex.app.bench;

/** How one attacking connection ended, as the attack report counts it. */
enum Fate {
    /** Still open when the attack ended: the server had not shed it. */
    OPEN,
    /** The server sent a close frame (the report counts its codes). */
    CLOSED,
    /** The server ended the TCP stream without a close frame (or, before the upgrade, without an HTTP answer). */
    EOF,
    /** The connection was reset (ECONNRESET, broken pipe): the server dropped it abortively. */
    RESET,
    /** The upgrade was refused with an HTTP status (the report counts the statuses). */
    REJECTED,
    /** The upgrade request was sent in full but no answer came within {@code --timeout}. */
    NO_ANSWER,
    /** The TCP connection could not be made (refused, no free port, or not within {@code --timeout}). */
    CONNECT_FAILED,
    /** The server answered with something that is not HTTP or WebSocket framing. */
    PROTOCOL;

    /** True when the server ended the connection (rather than the run, or a failure to connect). */
    boolean byServer() {
        return this == CLOSED || this == EOF || this == RESET || this == REJECTED;
    }

    String key() {
        return switch (this) {
            case OPEN -> "stillOpen";
            case CLOSED -> "closed";
            case EOF -> "endedWithoutClose";
            case RESET -> "reset";
            case REJECTED -> "rejected";
            case NO_ANSWER -> "noAnswer";
            case CONNECT_FAILED -> "connectFailed";
            case PROTOCOL -> "protocol";
        };
    }
}
