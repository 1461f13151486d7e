package dev.duplex.core.deflate;

import dev.duplex.core.EngineHandler;
import dev.duplex.core.ProtocolException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Collects whole messages (assembling streamed chunks) and the protocol error, if any. */
final class Recorder implements EngineHandler {
    record Message(boolean text, byte[] bytes) {
    }

    final List<Message> messages = new ArrayList<>();
    long streamedBytes;
    ProtocolException error;
    private final ByteArrayOutputStream chunks = new ByteArrayOutputStream();

    @Override
    public void onText(ByteBuffer utf8) {
        messages.add(new Message(true, bytes(utf8)));
    }

    @Override
    public void onBinary(ByteBuffer data) {
        messages.add(new Message(false, bytes(data)));
    }

    @Override
    public void onMessageChunk(boolean text, ByteBuffer data, boolean last) {
        streamedBytes += data.remaining();
        if (streamedBytes < (1 << 24)) {
            chunks.writeBytes(bytes(data));
        }
        if (last) {
            messages.add(new Message(text, chunks.toByteArray()));
            chunks.reset();
        }
    }

    @Override
    public void onProtocolError(ProtocolException e) {
        error = e;
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
