package dev.duplex.net;

import dev.duplex.core.handshake.HttpRequest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The server's access log: one line per HTTP answer or WebSocket upgrade on the {@code System.Logger} named
 * {@value #NAME}, at {@code DEBUG} so that it is off unless that logger is enabled (an application turns it on by
 * giving that logger DEBUG; {@code duplex serve --access-log} does). A line reads
 * {@code 127.0.0.1:50312 GET /healthz 200 0.4ms}: remote address, method, path (without the query), status, and
 * the time from the request's first byte (the accept, for a connection's first request) to queuing the answer
 * (for an upgrade, status 101 and the handshake time).
 * A request that could not be parsed shows {@code -} for method and path. When an upgraded session ends, one more
 * line with method {@code CLOSE}, the close code (1006 without a close handshake) and the time since the accept:
 * {@code 127.0.0.1:50318 CLOSE /echo 1000 12034.5ms}.
 *
 * <p>Loop thread only; when the logger is off each call is one {@code isLoggable} check.
 */
final class AccessLog {
    static final String NAME = "dev.duplex.net.access";
    private static final System.Logger LOG = System.getLogger(NAME);

    private AccessLog() {
    }

    static boolean enabled() {
        return LOG.isLoggable(System.Logger.Level.DEBUG);
    }

    /** An HTTP answer: the status is read from its status line ("HTTP/1.1 200 ..."). */
    static void response(Connection connection, HttpRequest request, ByteBuffer statusLine, long acceptedNanos) {
        if (enabled()) {
            log(connection.remoteAddress(), request, statusOf(statusLine), acceptedNanos);
        }
    }

    /**
     * A WebSocket upgrade (101).
     *
     * @return the remote address logged, for {@link #closed}; null when the log is off
     */
    static SocketAddress upgrade(Connection connection, HttpRequest request, long acceptedNanos) {
        if (!enabled()) {
            return null;
        }
        SocketAddress remote = connection.remoteAddress();
        log(remote, request.method(), request, 101, acceptedNanos);
        return remote;
    }

    /** The end of a session logged by {@link #upgrade}: method {@code CLOSE}, the close code, the lifetime. */
    static void closed(SocketAddress remote, HttpRequest request, int code, long acceptedNanos) {
        if (remote != null && enabled()) {
            log(remote, "CLOSE", request, code, acceptedNanos);
        }
    }

    private static void log(SocketAddress remote, HttpRequest request, int status, long acceptedNanos) {
        log(remote, request == null ? "-" : request.method(), request, status, acceptedNanos);
    }

    private static void log(SocketAddress remote, String method, HttpRequest request, int status,
                            long acceptedNanos) {
        double millis = (System.nanoTime() - acceptedNanos) / 1e6;
        LOG.log(System.Logger.Level.DEBUG, String.format(Locale.ROOT, "%s %s %s %d %.1fms", address(remote),
                method, request == null ? "-" : request.path(), status, millis));
    }

    private static String address(SocketAddress remote) {
        if (remote instanceof InetSocketAddress a) {
            return a.getAddress() == null ? a.getHostString() + ":" + a.getPort()
                    : a.getAddress().getHostAddress() + ":" + a.getPort();
        }
        return remote == null ? "-" : remote.toString();
    }

    /** The three digits after "HTTP/1.1 ", or 0 if the bytes are not a status line. */
    static int statusOf(ByteBuffer response) {
        int p = response.position() + 9;
        if (response.limit() < p + 3) {
            return 0;
        }
        int status = 0;
        for (int i = 0; i < 3; i++) {
            int d = response.get(p + i) - '0';
            if (d < 0 || d > 9) {
                return 0;
            }
            status = status * 10 + d;
        }
        return status;
    }
}
