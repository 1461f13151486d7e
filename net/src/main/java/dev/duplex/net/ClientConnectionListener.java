package dev.duplex.net;

import dev.duplex.core.CloseStatus;
import dev.duplex.core.handshake.HandshakeResult;

import java.nio.ByteBuffer;

/** What a {@link ClientConnection} reports to its {@link WebSocket}; every call is on the event loop thread. */
interface ClientConnectionListener {

    /** The opening handshake succeeded. */
    void onOpen(ClientConnection connection, HandshakeResult result);

    /** A complete message; {@code data} is only valid during the call. */
    void onMessage(ClientConnection connection, boolean text, ByteBuffer data);

    /** The bytes queued for the network changed (written out, or more were queued). */
    void onOutboundChanged(ClientConnection connection, long queuedBytes);

    /**
     * The connection is over and its socket closed; called exactly once.
     *
     * @param error null after a close handshake or a clean end; otherwise why the connection failed
     */
    void onClosed(ClientConnection connection, CloseStatus status, Throwable error);

    /**
     * Runs {@code then} once every message reported so far has been handled by the application, and what it sent
     * in answer queued (by default at once: the messages were handled inside {@link #onMessage}). The connection
     * holds back the input that followed those messages until then, so a protocol violation in it fails the
     * connection only after the answers went out.
     */
    default void afterMessagesHandled(Runnable then) {
        then.run();
    }
}
