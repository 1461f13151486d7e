package dev.duplex.net.deflate;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** Echoes text as text and binary as binary, and records close codes the server saw. */
final class EchoEndpoint implements Endpoint {
    final BlockingQueue<Integer> closeCodes = new LinkedBlockingQueue<>();
    final BlockingQueue<ServerSession> opened = new LinkedBlockingQueue<>();

    @Override
    public void onOpen(ServerSession session) {
        opened.add(session);
    }

    @Override
    public void onText(ServerSession session, String text) {
        session.send(text);
    }

    @Override
    public void onBinary(ServerSession session, ByteBuffer data) {
        session.send(data);
    }

    @Override
    public void onClose(ServerSession session, int code, String reason, boolean wasClean) {
        closeCodes.add(code);
    }
}
