package dev.duplex.core;

import dev.duplex.core.internal.Utf8Encoder;

import java.nio.ByteBuffer;

/**
 * A complete, unmasked server frame encoded once and sent to many connections: broadcast encodes the message a
 * single time and every connection queues the same read-only bytes ({@link WebSocketEngine#sendEncoded}).
 *
 * <p>Immutable and safe to share between threads. Only a server may send it, and only on a connection that
 * has no extension transforming messages (compressed connections must encode per connection).
 */
public final class EncodedFrame {
    private final ByteBuffer bytes;
    private final boolean text;

    private EncodedFrame(ByteBuffer bytes, boolean text) {
        this.bytes = bytes.asReadOnlyBuffer();
        this.text = text;
    }

    /** A final text frame. Lone surrogates are sent as U+FFFD, as browsers do. */
    public static EncodedFrame text(CharSequence message) {
        byte[] utf8 = Utf8Encoder.encode(message);
        return of(Opcode.TEXT, ByteBuffer.wrap(utf8));
    }

    /** A final binary frame holding a copy of {@code data}'s remaining bytes; its position is not changed. */
    public static EncodedFrame binary(ByteBuffer data) {
        return of(Opcode.BINARY, data);
    }

    private static EncodedFrame of(int opcode, ByteBuffer payload) {
        int length = payload.remaining();
        ByteBuffer frame = ByteBuffer.allocate(FrameWriter.headerSize(length, false) + length);
        FrameWriter.putHeader(frame, FrameWriter.FIN | opcode, length, false);
        frame.put(payload.duplicate());
        frame.flip();
        return new EncodedFrame(frame, opcode == Opcode.TEXT);
    }

    public boolean isText() {
        return text;
    }

    /** Size on the wire, header included. */
    public int size() {
        return bytes.remaining();
    }

    /**
     * A fresh read-only view of the message's payload (the frame without its header), for a connection that must
     * encode the message itself, e.g. one with permessage-deflate.
     */
    public ByteBuffer payload() {
        ByteBuffer b = bytes.duplicate();
        int len7 = b.get(1) & 0x7F;
        int header = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
        b.position(b.position() + header);
        return b.slice();
    }

    /** A fresh read-only view of the frame's bytes. */
    public ByteBuffer bytes() {
        return bytes.duplicate();
    }
}
