package dev.duplex.net;

import java.util.ArrayDeque;

/**
 * The messages sent by the application and not yet handed to the engine, in order, with their byte count.
 * Callers hold the socket's lock; the queue checks no bound itself: {@link WebSocket#send} decides which bound
 * applies (max buffered amount while open, the reconnect policy's capacity while reconnecting).
 */
final class SendQueue {
    private final ArrayDeque<OutgoingMessage> messages = new ArrayDeque<>();
    private long bytes;

    void add(OutgoingMessage m) {
        messages.addLast(m);
        bytes += m.length();
    }

    OutgoingMessage poll() {
        OutgoingMessage m = messages.pollFirst();
        if (m != null) {
            bytes -= m.length();
        }
        return m;
    }

    int size() {
        return messages.size();
    }

    long bytes() {
        return bytes;
    }

    void clear() {
        messages.clear();
        bytes = 0;
    }
}
