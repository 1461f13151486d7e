package dev.duplex.net;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A complete message from the server. Text arrives as a {@link String}; binary data as bytes copied out of the
 * connection's buffers, so the event stays valid after the listener returns and may be handed to other threads.
 *
 * <p>Immutable: {@link #binary()} is a read-only view and {@link #bytes()} a fresh copy, so one listener cannot
 * change what the next one sees.
 */
public final class MessageEvent implements WebSocketEvent {
    private final WebSocket target;
    private final String text;
    private final byte[] data;
    private final BinaryType binaryType;

    private MessageEvent(WebSocket target, String text, byte[] data, BinaryType binaryType) {
        this.target = Objects.requireNonNull(target, "target");
        this.text = text;
        this.data = data;
        this.binaryType = binaryType;
    }

    /** A text message event. */
    public static MessageEvent text(WebSocket target, String text) {
        return new MessageEvent(target, Objects.requireNonNull(text, "text"), null, BinaryType.BYTE_BUFFER);
    }

    /** A binary message event; {@code data} is taken over, not copied: the caller must not change it later. */
    public static MessageEvent binary(WebSocket target, byte[] data, BinaryType binaryType) {
        return new MessageEvent(target, null, Objects.requireNonNull(data, "data"),
                Objects.requireNonNull(binaryType, "binaryType"));
    }

    @Override
    public WebSocket target() {
        return target;
    }

    /** True for a text message, false for a binary one. */
    public boolean isText() {
        return text != null;
    }

    /**
     * The message as the browser's {@code event.data}: a {@link String} for text; for binary, a read-only
     * {@link ByteBuffer} or a {@code byte[]} copy depending on the socket's {@link BinaryType}.
     */
    public Object data() {
        if (text != null) {
            return text;
        }
        return binaryType == BinaryType.BYTE_ARRAY ? bytes() : binary();
    }

    /**
     * The text of a text message.
     *
     * @throws IllegalStateException for a binary message
     */
    public String text() {
        if (text == null) {
            throw new IllegalStateException("a binary message has no text; use binary() or bytes()");
        }
        return text;
    }

    /**
     * A read-only view of a binary message's bytes (no copy).
     *
     * @throws IllegalStateException for a text message
     */
    public ByteBuffer binary() {
        return ByteBuffer.wrap(binaryData()).asReadOnlyBuffer();
    }

    /**
     * A copy of a binary message's bytes.
     *
     * @throws IllegalStateException for a text message
     */
    public byte[] bytes() {
        return binaryData().clone();
    }

    private byte[] binaryData() {
        if (data == null) {
            throw new IllegalStateException("a text message has no binary data; use text()");
        }
        return data;
    }

    @Override
    public String toString() {
        return text != null ? "MessageEvent[text, " + text.length() + " chars]"
                : "MessageEvent[binary, " + data.length + " bytes]";
    }
}
