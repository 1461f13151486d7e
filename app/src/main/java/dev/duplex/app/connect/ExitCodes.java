package dev.duplex.app.connect;

/**
 * The exit codes of {@code duplex connect}, for scripts. The same table is in the command's {@code --help} and in
 * docs/operations.md.
 */
final class ExitCodes {
    /** The connection ended with a clean close: the server closed with 1000 or 1001, or we closed it. */
    static final int CLEAN = 0;
    /**
     * The connection ended otherwise: the server closed with another code, a protocol error, the TCP connection
     * dropped (1006), or {@code --exec} saw the connection close before an answer.
     */
    static final int CLOSE_ERROR = 1;
    /** Bad command line (picocli's usage error code). */
    static final int USAGE = 2;
    /** No connection: refused, DNS, TLS, the server answered the handshake with another HTTP status than 101. */
    static final int CONNECT_FAILED = 3;
    /** A timeout: connecting, waiting for the {@code --exec} answer, or the close handshake. */
    static final int TIMEOUT = 4;

    private ExitCodes() {
    }
}
