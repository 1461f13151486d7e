package dev.duplex.app;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends every message to every client connected to this endpoint, the sender included, byte for byte. The frame
 * is encoded once per message and shared by all recipients ({@link WebSocketServer#broadcast}).
 */
final class BroadcastEndpoint implements Endpoint {
    private final Set<ServerSession> members = ConcurrentHashMap.newKeySet();
    private volatile WebSocketServer server;

    void attach(WebSocketServer server) {
        this.server = server;
    }

    @Override
    public void onOpen(ServerSession session) {
        members.add(session);
    }

    @Override
    public void onText(ServerSession session, String text) {
        server.broadcast(members, text);
    }

    @Override
    public void onBinary(ServerSession session, ByteBuffer data) {
        server.broadcast(members, data);
    }

    @Override
    public void onClose(ServerSession session, int code, String reason, boolean wasClean) {
        members.remove(session);
    }
}
