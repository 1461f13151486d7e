package dev.duplex.app;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;

import java.nio.ByteBuffer;

/** Sends every message back to its sender, text as text and binary as binary. */
final class EchoEndpoint implements Endpoint {
    @Override
    public void onText(ServerSession session, String text) {
        session.send(text);
    }

    @Override
    public void onBinary(ServerSession session, ByteBuffer data) {
        session.send(data);
    }
}
