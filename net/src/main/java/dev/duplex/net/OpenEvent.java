package dev.duplex.net;

/**
 * The opening handshake succeeded: {@link WebSocket#readyState()} is now {@link WebSocket#OPEN} and
 * {@link WebSocket#protocol()} and {@link WebSocket#extensions()} are known. Fired once per socket (after a
 * reconnect, {@link ReconnectedEvent} is fired instead).
 *
 * @param target the socket that opened
 */
public record OpenEvent(WebSocket target) implements WebSocketEvent {
}
