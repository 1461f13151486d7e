package dev.duplex.net.clientpeers;

import dev.duplex.net.CloseEvent;
import dev.duplex.net.ErrorEvent;
import dev.duplex.net.EventType;
import dev.duplex.net.MessageEvent;
import dev.duplex.net.OpenEvent;
import dev.duplex.net.ReconnectedEvent;
import dev.duplex.net.ReconnectingEvent;
import dev.duplex.net.WebSocket;
import dev.duplex.net.WebSocketBuilder;
import dev.duplex.net.WebSocketEvent;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records every event of one client socket, in order, for a test to take one by one with a deadline. */
final class Events {
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(20);

    private final BlockingQueue<WebSocketEvent> queue = new LinkedBlockingQueue<>();

    /** Registers on the builder, so that the first event is seen. */
    WebSocketBuilder attach(WebSocketBuilder builder) {
        return builder.addEventListener(EventType.OPEN, queue::add)
                .addEventListener(EventType.MESSAGE, queue::add)
                .addEventListener(EventType.ERROR, queue::add)
                .addEventListener(EventType.CLOSE, queue::add)
                .addEventListener(EventType.RECONNECTING, queue::add)
                .addEventListener(EventType.RECONNECTED, queue::add);
    }

    /** Connects and waits for the open event. */
    WebSocket open(WebSocketBuilder builder) throws InterruptedException {
        WebSocket ws = attach(builder).connect();
        next(OpenEvent.class);
        return ws;
    }

    <E extends WebSocketEvent> E next(Class<E> type) throws InterruptedException {
        return next(type, DEFAULT_WAIT);
    }

    <E extends WebSocketEvent> E next(Class<E> type, Duration wait) throws InterruptedException {
        WebSocketEvent e = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no event within " + wait + ", expected " + type.getSimpleName());
        }
        if (!type.isInstance(e)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + describe(e));
        }
        return type.cast(e);
    }

    MessageEvent message() throws InterruptedException {
        return next(MessageEvent.class);
    }

    CloseEvent close() throws InterruptedException {
        return next(CloseEvent.class);
    }

    ErrorEvent error() throws InterruptedException {
        return next(ErrorEvent.class);
    }

    ReconnectingEvent reconnecting() throws InterruptedException {
        return next(ReconnectingEvent.class);
    }

    ReconnectedEvent reconnected() throws InterruptedException {
        return next(ReconnectedEvent.class);
    }

    private static String describe(WebSocketEvent e) {
        if (e instanceof ErrorEvent err) {
            return e + " (" + err.cause() + ")";
        }
        return String.valueOf(e);
    }
}
