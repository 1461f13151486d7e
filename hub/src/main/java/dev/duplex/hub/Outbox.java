package dev.duplex.hub;

import dev.duplex.net.ServerSession;

/**
 * Where a hub connection's outgoing messages go: a {@link ServerSession} in production, a recorder in tests.
 * Every method may be called from any thread; sends from one thread keep their order.
 */
interface Outbox {

    void send(String json);

    void close(int code, String reason);

    /** Closes dropping the unsent backlog, so the close frame reaches a slow peer at once. */
    default void closeDiscardingBacklog(int code, String reason) {
        close(code, reason);
    }

    /** Bytes queued and not yet written. */
    long bufferedAmount();

    /** Asks for one drain notification (the hub's {@code drained}) once everything queued has been written. */
    void requestDrain();

    /** The session behind this outbox, for encode-once broadcast; null in tests. */
    ServerSession session();

    static Outbox of(ServerSession s) {
        return new Outbox() {
            @Override
            public void send(String json) {
                s.send(json);
            }

            @Override
            public void close(int code, String reason) {
                s.close(code, reason);
            }

            @Override
            public void closeDiscardingBacklog(int code, String reason) {
                s.closeDiscardingBacklog(code, reason);
            }

            @Override
            public long bufferedAmount() {
                return s.bufferedAmount();
            }

            @Override
            public void requestDrain() {
                s.requestDrainNotification();
            }

            @Override
            public ServerSession session() {
                return s;
            }
        };
    }
}
