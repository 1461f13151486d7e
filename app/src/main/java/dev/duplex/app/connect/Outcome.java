package dev.duplex.app.connect;

import dev.duplex.core.ProtocolException;
import dev.duplex.core.handshake.HandshakeException;
import dev.duplex.core.handshake.HandshakeRejectedException;
import dev.duplex.net.CloseEvent;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * How a {@code duplex connect} session ended: its exit code ({@link ExitCodes}) and, unless it ended cleanly,
 * the problem to print on standard error.
 *
 * @param exitCode the process exit code
 * @param problem  null for a clean end
 */
record Outcome(int exitCode, String problem) {

    static Outcome clean() {
        return new Outcome(ExitCodes.CLEAN, null);
    }

    /** The connection could not be established. */
    static Outcome connectFailed(String url, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof TimeoutException) {
            return new Outcome(ExitCodes.TIMEOUT, "timed out: " + cause.getMessage());
        }
        if (cause instanceof HandshakeRejectedException rejected) {
            String body = rejected.bodyPreview().strip();
            return new Outcome(ExitCodes.CONNECT_FAILED, "the server rejected the handshake with HTTP "
                    + rejected.status() + " " + rejected.reason()
                    + (body.isEmpty() ? "" : ": " + body.lines().findFirst().orElse("")));
        }
        if (cause instanceof HandshakeException) {
            return new Outcome(ExitCodes.CONNECT_FAILED, "bad handshake answer from " + url + ": " + cause.getMessage());
        }
        if (cause instanceof SSLException) {
            return new Outcome(ExitCodes.CONNECT_FAILED, "TLS failed with " + url + ": " + cause.getMessage()
                    + " (--ca FILE trusts a test certificate, --insecure trusts any)");
        }
        if (cause instanceof UnknownHostException) {
            return new Outcome(ExitCodes.CONNECT_FAILED, "unknown host: " + cause.getMessage());
        }
        if (cause instanceof ConnectException) {
            return new Outcome(ExitCodes.CONNECT_FAILED, "could not connect to " + url + ": " + cause.getMessage());
        }
        return new Outcome(ExitCodes.CONNECT_FAILED, "could not connect to " + url + ": " + describe(cause));
    }

    /**
     * An open connection ended.
     *
     * @param error      the connection's error event, or null
     * @param closedByUs whether we started the close handshake
     */
    static Outcome closed(CloseEvent close, Throwable error, boolean closedByUs) {
        Throwable cause = error == null ? null : unwrap(error);
        if (cause instanceof TimeoutException) {
            return new Outcome(ExitCodes.TIMEOUT, "timed out: " + cause.getMessage());
        }
        if (cause instanceof ProtocolException p) {
            return new Outcome(ExitCodes.CLOSE_ERROR, "the server broke the protocol: " + p.getMessage()
                    + " (closed with " + p.closeCode() + ")");
        }
        if (close.wasClean() && (closedByUs || close.code() == 1000 || close.code() == 1001)) {
            return clean();
        }
        if (close.wasClean()) {
            return new Outcome(ExitCodes.CLOSE_ERROR, "the server closed the connection with " + describe(close));
        }
        return new Outcome(ExitCodes.CLOSE_ERROR, "the connection was lost without a close handshake ("
                + close.code() + (cause == null ? "" : ": " + describe(cause)) + ")");
    }

    /** "1000", or "4001 maintenance". */
    static String describe(CloseEvent close) {
        return close.code() + (close.reason().isEmpty() ? "" : " " + close.reason());
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
