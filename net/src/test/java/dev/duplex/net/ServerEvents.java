package dev.duplex.net;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An endpoint that records what the server saw, for assertions; optionally echoes. */
class ServerEvents implements Endpoint {
    record Closed(int code, String reason, boolean wasClean) {
    }

    final CompletableFuture<ServerSession> opened = new CompletableFuture<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    final BlockingQueue<Boolean> drains = new LinkedBlockingQueue<>();
    private final boolean echo;

    ServerEvents(boolean echo) {
        this.echo = echo;
    }

    ServerSession awaitOpen() throws Exception {
        return opened.get(20, TimeUnit.SECONDS);
    }

    Closed awaitClose() throws Exception {
        return closed.get(20, TimeUnit.SECONDS);
    }

    @Override
    public void onOpen(ServerSession session) {
        opened.complete(session);
    }

    @Override
    public void onText(ServerSession session, String text) {
        messages.add(text);
        if (echo) {
            session.send(text);
        }
    }

    @Override
    public void onBinary(ServerSession session, ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.duplicate().get(b);
        messages.add(b);
        if (echo) {
            session.send(data);
        }
    }

    @Override
    public void onDrain(ServerSession session) {
        drains.add(true);
    }

    @Override
    public void onError(ServerSession session, Throwable error) {
        errors.add(error);
    }

    @Override
    public void onClose(ServerSession session, int code, String reason, boolean wasClean) {
        closed.complete(new Closed(code, reason, wasClean));
    }
}
