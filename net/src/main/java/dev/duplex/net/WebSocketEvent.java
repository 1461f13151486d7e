package dev.duplex.net;

/**
 * Something that happened on a client {@link WebSocket}, as the browser's {@code WebSocket} dispatches it.
 * Every event names the socket it happened on ({@link #target()}).
 *
 * <p>Events are immutable and delivered once to every listener registered for their {@link EventType}, on
 * the socket's event thread (see {@link WebSocket} for the threading contract).
 */
public sealed interface WebSocketEvent
        permits OpenEvent, MessageEvent, ErrorEvent, CloseEvent, ReconnectingEvent, ReconnectedEvent {

    /** The socket the event happened on. */
    WebSocket target();
}
