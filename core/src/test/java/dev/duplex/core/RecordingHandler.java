package dev.duplex.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Records every engine event as a short string, e.g. {@code text:Hello}, {@code binary:3}, {@code error:1002}. */
class RecordingHandler implements EngineHandler {
    final List<String> events = new ArrayList<>();
    final List<byte[]> payloads = new ArrayList<>();
    ProtocolException error;
    CloseStatus closeReceived;

    @Override
    public void onText(ByteBuffer utf8) {
        events.add("text:" + StandardCharsets.UTF_8.decode(utf8.duplicate()));
        payloads.add(bytes(utf8));
    }

    @Override
    public void onBinary(ByteBuffer data) {
        events.add("binary:" + data.remaining());
        payloads.add(bytes(data));
    }

    @Override
    public void onMessageChunk(boolean text, ByteBuffer data, boolean last) {
        events.add("chunk:" + (text ? "text:" : "binary:") + data.remaining() + (last ? ":last" : ""));
        payloads.add(bytes(data));
    }

    @Override
    public void onPing(ByteBuffer payload) {
        events.add("ping:" + HexFormat.of().formatHex(bytes(payload)));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        events.add("pong:" + HexFormat.of().formatHex(bytes(payload)));
    }

    @Override
    public void onCloseReceived(CloseStatus status) {
        closeReceived = status;
        events.add("close:" + status.code() + ":" + status.reason());
    }

    @Override
    public void onProtocolError(ProtocolException e) {
        error = e;
        events.add("error:" + e.closeCode());
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
