package dev.duplex.bench.servers;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;

/**
 * Echo on Jetty's listener API. Binary payloads are sent back without a copy: the frame's buffer is released
 * (the read callback completed) only when the send completes. Auto-demanding: Jetty reads the next frame when
 * the callback of the previous one completes. Public because Jetty binds the listener methods through method
 * handles.
 */
public final class JettyEchoSocket implements Session.Listener.AutoDemanding {
    private Session session;

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
    }

    @Override
    public void onWebSocketText(String message) {
        session.sendText(message, Callback.NOOP);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        session.sendBinary(payload, callback);
    }
}
