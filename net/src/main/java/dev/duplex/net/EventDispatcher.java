package dev.duplex.net;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The listeners of one {@link WebSocket} and the delivery of its events, in order, on one thread at a time:
 * directly on the event loop, or through a serializing wrapper around the application's executor.
 *
 * <p>Registration is thread-safe. A listener that throws is logged and the others still run: a faulty listener
 * never breaks the connection or the loop.
 */
final class EventDispatcher {
    private static final System.Logger LOG = System.getLogger(WebSocket.class.getName());

    /** One slot per type for the {@code onX} handler, like the browser's event handler attributes. */
    private final Map<EventType<?>, Consumer<? super WebSocketEvent>> handlers = new ConcurrentHashMap<>();
    private final Map<EventType<?>, List<Consumer<? super WebSocketEvent>>> listeners = new ConcurrentHashMap<>();
    private final Executor executor;

    /** @param executor where to run listeners; null to run them on the calling (loop) thread */
    EventDispatcher(Executor executor) {
        this.executor = executor == null ? null : new SerialExecutor(executor);
        for (EventType<?> type : EventType.ALL) {
            listeners.put(type, new CopyOnWriteArrayList<>());
        }
    }

    <E extends WebSocketEvent> void setHandler(EventType<E> type, Consumer<? super E> handler) {
        Objects.requireNonNull(type, "type");
        if (handler == null) {
            handlers.remove(type);
        } else {
            handlers.put(type, adapt(type, handler));
        }
    }

    <E extends WebSocketEvent> void add(EventType<E> type, Consumer<? super E> listener) {
        Objects.requireNonNull(listener, "listener");
        List<Consumer<? super WebSocketEvent>> list = listeners.get(Objects.requireNonNull(type, "type"));
        list.add(new Registered<>(type, listener));
    }

    <E extends WebSocketEvent> boolean remove(EventType<E> type, Consumer<? super E> listener) {
        List<Consumer<? super WebSocketEvent>> list = listeners.get(Objects.requireNonNull(type, "type"));
        for (Consumer<? super WebSocketEvent> c : list) {
            if (c instanceof Registered<?> r && r.listener == listener) {
                return list.remove(c);
            }
        }
        return false;
    }

    /** Delivers {@code event} to the handler, then the listeners in registration order. */
    void dispatch(EventType<?> type, WebSocketEvent event) {
        if (executor == null) {
            deliver(type, event);
        } else {
            executor.execute(() -> deliver(type, event));
        }
    }

    /** Runs {@code then} after every event dispatched so far has been delivered: at once without an executor. */
    void afterDelivered(Runnable then) {
        if (executor == null) {
            then.run();
        } else {
            executor.execute(then);
        }
    }

    private void deliver(EventType<?> type, WebSocketEvent event) {
        Consumer<? super WebSocketEvent> handler = handlers.get(type);
        if (handler != null) {
            call(handler, event);
        }
        for (Consumer<? super WebSocketEvent> l : listeners.get(type)) {
            call(l, event);
        }
    }

    private static void call(Consumer<? super WebSocketEvent> c, WebSocketEvent event) {
        try {
            c.accept(event);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            Warnings.log(LOG, "WebSocket event listener threw on " + event, e);
        }
    }

    private static <E extends WebSocketEvent> Consumer<? super WebSocketEvent> adapt(EventType<E> type,
                                                                                     Consumer<? super E> c) {
        return e -> c.accept(type.eventClass().cast(e));
    }

    /** A listener registered with addEventListener; remembered to be found again by identity. */
    private static final class Registered<E extends WebSocketEvent> implements Consumer<WebSocketEvent> {
        final EventType<E> type;
        final Consumer<? super E> listener;

        Registered(EventType<E> type, Consumer<? super E> listener) {
            this.type = type;
            this.listener = listener;
        }

        @Override
        public void accept(WebSocketEvent e) {
            listener.accept(type.eventClass().cast(e));
        }
    }
}
