package dev.duplex.net;

import java.nio.ByteBuffer;

/**
 * What a {@link Connection} reports to its owner (a server session or a client socket). Called on the
 * connection's event loop only.
 */
interface ConnectionListener {

    /**
     * Bytes from the peer before {@link Connection#upgrade}: the HTTP handshake. {@code data} is the loop's
     * shared read buffer, valid during the call; copy what is kept. Bytes left in it after the owner upgraded the
     * connection inside this call are fed to the engine.
     */
    void onHandshakeData(Connection connection, ByteBuffer data);

    /** Everything queued was written after a write had to wait for the socket: {@code bufferedAmount} is 0. */
    default void onDrain(Connection connection) {
    }

    /**
     * Queued bytes were written when the socket became writable again (some may remain): the moment to check a
     * low-water mark. Called before {@link #onDrain} when the queue emptied.
     */
    default void onWriteProgress(Connection connection) {
    }

    /** A read's bytes went through the engine (once per read wake-up, not per message). */
    default void onInputProcessed(Connection connection) {
    }

    /**
     * The socket is closed (by either side, or after an error); called once. With an engine attached, the engine
     * has seen {@code receiveEof()} by now, so its {@code closeStatus()} is final.
     *
     * @param cause the I/O or TLS failure that closed it, or null for an orderly close
     */
    void onClosed(Connection connection, Throwable cause);
}
