package dev.duplex.net;

import java.nio.ByteBuffer;

/**
 * The application's side of the WebSocket connections on one path of a {@link WebSocketServer}. Every method has
 * an empty default; implement the ones you need.
 *
 * <p><b>Threading:</b> for one session, callbacks never overlap and come in order: {@code onOpen}, then messages,
 * {@code onDrain}s and {@code onError}s, then exactly one {@code onClose}. By default they run on the session's
 * event loop and must not block; with {@link WebSocketServer.Builder#callbackExecutor} they run on that executor
 * (one at a time per session) and may block. Different sessions' callbacks run concurrently.
 *
 * <p><b>Errors:</b> an exception thrown by a callback is passed to {@link #onError} and the session is closed
 * with 1011 (internal error); the server carries on.
 */
public interface Endpoint {

    /** The handshake completed; the session can send. */
    default void onOpen(ServerSession session) {
    }

    /** A complete text message. */
    default void onText(ServerSession session, String text) {
    }

    /**
     * A complete binary message. On the event loop, {@code data} is valid only during the call (copy what you
     * keep); with a callback executor it is a copy owned by the callee.
     */
    default void onBinary(ServerSession session, ByteBuffer data) {
    }

    /**
     * The buffered outbound bytes were all written after a send had queued them above the high-water mark, or
     * after {@link ServerSession#requestDrainNotification()}.
     */
    default void onDrain(ServerSession session) {
    }

    /**
     * Something went wrong on the session: a protocol error by the peer (a {@code ProtocolException} carrying the
     * close code sent), an I/O or TLS failure, or an exception from a callback. {@link #onClose} follows.
     */
    default void onError(ServerSession session, Throwable error) {
    }

    /**
     * The connection is gone; called exactly once after {@link #onOpen}.
     *
     * @param code     the peer's close code, ours if we closed first or failed, 1005 for an empty close frame,
     *                 1006 if the connection ended without a close handshake (abrupt close, dead peer, timeout)
     * @param reason   the close reason, empty for none
     * @param wasClean whether both close frames were exchanged
     */
    default void onClose(ServerSession session, int code, String reason, boolean wasClean) {
    }
}
