package dev.duplex.net;

/**
 * How {@link MessageEvent#data()} presents a binary message, like the browser's {@code binaryType}.
 * Text messages are always a {@link String}.
 */
public enum BinaryType {
    /** {@link MessageEvent#data()} is a read-only {@link java.nio.ByteBuffer} (the default). */
    BYTE_BUFFER,
    /** {@link MessageEvent#data()} is a {@code byte[]}, a fresh copy per call. */
    BYTE_ARRAY
}
