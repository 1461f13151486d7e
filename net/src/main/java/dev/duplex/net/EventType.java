package dev.duplex.net;

import java.util.List;

/**
 * The kinds of event a {@link WebSocket} dispatches, as typed keys for
 * {@link WebSocket#addEventListener(EventType, java.util.function.Consumer)}: the listener's parameter type is
 * checked by the compiler, so a message listener cannot be registered for close events.
 *
 * <p>The browser's four ({@code open}, {@code message}, {@code error}, {@code close}) plus the two of the
 * opt-in reconnection ({@code reconnecting}, {@code reconnected}). Instances are the constants below only.
 *
 * @param <E> the event class delivered for this type
 */
public final class EventType<E extends WebSocketEvent> {
    public static final EventType<OpenEvent> OPEN = new EventType<>("open", OpenEvent.class);
    public static final EventType<MessageEvent> MESSAGE = new EventType<>("message", MessageEvent.class);
    public static final EventType<ErrorEvent> ERROR = new EventType<>("error", ErrorEvent.class);
    public static final EventType<CloseEvent> CLOSE = new EventType<>("close", CloseEvent.class);
    public static final EventType<ReconnectingEvent> RECONNECTING =
            new EventType<>("reconnecting", ReconnectingEvent.class);
    public static final EventType<ReconnectedEvent> RECONNECTED =
            new EventType<>("reconnected", ReconnectedEvent.class);

    static final List<EventType<?>> ALL = List.of(OPEN, MESSAGE, ERROR, CLOSE, RECONNECTING, RECONNECTED);

    private final String name;
    private final Class<E> eventClass;

    private EventType(String name, Class<E> eventClass) {
        this.name = name;
        this.eventClass = eventClass;
    }

    /** The browser's name for the event, e.g. {@code "message"}. */
    public String name() {
        return name;
    }

    Class<E> eventClass() {
        return eventClass;
    }

    @Override
    public String toString() {
        return name;
    }
}
