package dev.duplex.app.bench;

/** The kinds of failure a run counts separately. */
enum ErrorKind {
    /** The TCP connection could not be made (refused, unreachable, no free port, timed out). */
    CONNECT,
    /** TCP connected but the HTTP upgrade failed: a status other than 101, a bad answer, or a timeout. */
    HANDSHAKE,
    /** The server closed an open connection (close frame or end of stream) before the run ended. */
    CLOSED,
    /** An in-flight message got no answer within {@code --timeout}. */
    TIMEOUT,
    /** The server broke the protocol or answered with something the workload did not expect. */
    PROTOCOL;

    String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
