package dev.duplex.core;

import java.nio.ByteBuffer;

/**
 * Receives what {@link WebSocketEngine#receive} decodes, synchronously, on the thread that called it and in wire
 * order. A handler may call the engine's send methods from inside a callback: what it sends is queued before
 * anything the engine itself sends later, so replies to valid messages precede the close frame of a failure
 * found further on in the same input.
 *
 * <p>Ownership: every {@link ByteBuffer} passed in is valid only for the duration of the call (the engine reuses
 * it); copy what you keep. Its position and limit frame the payload.
 */
public interface EngineHandler {

    /** A complete text message; {@code utf8} holds valid UTF-8. Not called in streaming mode. */
    default void onText(ByteBuffer utf8) {
    }

    /** A complete binary message. Not called in streaming mode. */
    default void onBinary(ByteBuffer data) {
    }

    /**
     * Streaming mode only: the next piece of a data message, as it arrives. Text pieces have been validated
     * (a code point may be split across pieces). {@code last} is true for the final piece, which may be empty.
     */
    default void onMessageChunk(boolean text, ByteBuffer data, boolean last) {
    }

    /** A ping; with auto-pong on, the pong has already been queued. */
    default void onPing(ByteBuffer payload) {
    }

    /** A pong, solicited or not. */
    default void onPong(ByteBuffer payload) {
    }

    /**
     * The peer's close frame arrived. If we had not sent a close yet, the reply (same code, empty reason) has been
     * queued. {@code status.code()} is {@link CloseCodes#NO_STATUS_RECEIVED} for an empty close frame.
     */
    default void onCloseReceived(CloseStatus status) {
    }

    /**
     * The engine failed the connection: the peer broke the protocol. A close frame with
     * {@link ProtocolException#closeCode()} has been queued (unless one was already sent); the transport should be
     * closed once the outbound bytes are written. Nothing further is read.
     */
    default void onProtocolError(ProtocolException error) {
    }
}
