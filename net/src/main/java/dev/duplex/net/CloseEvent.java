package dev.duplex.net;

import java.util.Objects;

/**
 * The connection is closed: {@link WebSocket#readyState()} is {@link WebSocket#CLOSED}. Fired exactly once per
 * socket, last, like the browser's {@code close} event (with reconnection enabled: only once the socket gives
 * up or is closed by the application).
 *
 * @param target   the socket that closed
 * @param code     the close code: the server's code when it started the close, ours when we did, 1005 for a
 *                 close frame without a code, 1006 when the connection ended without a close handshake
 *                 (including every failure to connect), or the 1002/1007/1009 we sent on a protocol error
 * @param reason   the close reason, empty for none
 * @param wasClean true when both close frames were exchanged
 */
public record CloseEvent(WebSocket target, int code, String reason, boolean wasClean) implements WebSocketEvent {
    public CloseEvent {
        Objects.requireNonNull(reason, "reason");
    }
}
