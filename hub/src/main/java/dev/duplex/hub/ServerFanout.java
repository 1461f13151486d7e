package dev.duplex.hub;

import dev.duplex.core.EncodedFrame;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;

import java.util.ArrayList;
import java.util.List;

/**
 * Fan-out through {@link WebSocketServer#broadcast}: the frame is encoded once and shared by every target. Until
 * a server is attached, falls back to one send per target (still correct, just slower).
 */
final class ServerFanout implements Fanout {
    private volatile WebSocketServer server;

    void attach(WebSocketServer server) {
        this.server = server;
    }

    WebSocketServer server() {
        return server;
    }

    @Override
    public void deliver(List<HubConnection> targets, String json) {
        WebSocketServer s = server;
        if (s == null || targets.size() < 2) {
            DIRECT.deliver(targets, json);
            return;
        }
        List<ServerSession> sessions = new ArrayList<>(targets.size());
        for (HubConnection c : targets) {
            ServerSession session = c.out().session();
            if (session != null) {
                sessions.add(session);
            } else {
                c.out().send(json);
            }
        }
        s.broadcast(sessions, EncodedFrame.text(json));
    }
}
