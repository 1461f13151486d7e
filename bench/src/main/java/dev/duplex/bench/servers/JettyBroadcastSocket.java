package dev.duplex.bench.servers;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;
import java.util.Collection;

/**
 * Broadcast on Jetty's listener API: the audience is a concurrent set of {@link Session}s per path, and each
 * message is sent to each member with {@code sendText}/{@code sendBinary} (Jetty frames it once per member). A
 * binary payload is copied once, since Jetty's frame buffer is reused after the read callback completes. Public because
 * Jetty binds the listener methods through method handles.
 */
public final class JettyBroadcastSocket implements Session.Listener.AutoDemanding {
    private final Topics<Session> topics;
    private final String path;
    private Session session;
    private Collection<Session> audience;

    JettyBroadcastSocket(Topics<Session> topics, String path) {
        this.topics = topics;
        this.path = path;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        this.audience = topics.join(path, session);
    }

    @Override
    public void onWebSocketText(String message) {
        for (Session member : audience) {
            member.sendText(message, Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
        callback.succeed();
        for (Session member : audience) {
            member.sendBinary(copy.slice(), Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        if (session != null) {
            topics.leave(path, session);
        }
    }
}
