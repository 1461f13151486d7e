package dev.duplex.net;

/**
 * A reconnect attempt succeeded: the socket is {@link WebSocket#OPEN} again on a new connection. Messages queued
 * while disconnected have been handed to the new connection, in order, before this event is fired.
 *
 * @param target  the socket
 * @param attempt the number of the attempt that succeeded, 1 for the first retry
 */
public record ReconnectedEvent(WebSocket target, int attempt) implements WebSocketEvent {
}
