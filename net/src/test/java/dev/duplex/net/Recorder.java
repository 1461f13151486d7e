package dev.duplex.net;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records every event of a socket in order, for tests to wait on with deadlines. */
final class Recorder {
    final BlockingQueue<WebSocketEvent> events = new LinkedBlockingQueue<>();

    WebSocketBuilder attach(WebSocketBuilder b) {
        for (EventType<?> t : EventType.ALL) {
            b.addEventListener(t, events::add);
        }
        return b;
    }

    <E extends WebSocketEvent> E next(Class<E> type) throws InterruptedException {
        WebSocketEvent e = events.poll(10, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no event within 10 s, expected " + type.getSimpleName());
        }
        if (!type.isInstance(e)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + e);
        }
        return type.cast(e);
    }
}
