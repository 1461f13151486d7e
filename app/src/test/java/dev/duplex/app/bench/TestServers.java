package dev.duplex.app.bench;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** duplex servers on 127.0.0.1 and a free port for the bench tests: echo, broadcast, and one that hangs up. */
final class TestServers {
    private TestServers() {
    }

    /** Remote addresses of every connection /echo accepted. */
    static final Set<String> ECHO_PEERS = ConcurrentHashMap.newKeySet();

    /** /echo sends every message back; /broadcast sends every message to every client there, sender included;
     *  /greet sends "welcome" on open and echoes nothing; /hangup closes the connection (1011) at the first
     *  message. */
    static WebSocketServer start() throws IOException {
        Broadcast broadcast = new Broadcast();
        WebSocketServer server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .endpoint("/echo", new Endpoint() {
                    @Override
                    public void onOpen(ServerSession session) {
                        if (session.remoteAddress() instanceof java.net.InetSocketAddress a) {
                            ECHO_PEERS.add(a.getAddress().getHostAddress());
                        }
                    }

                    @Override
                    public void onText(ServerSession session, String text) {
                        session.send(text);
                    }

                    @Override
                    public void onBinary(ServerSession session, ByteBuffer data) {
                        session.send(data);
                    }
                })
                .endpoint("/broadcast", broadcast)
                .endpoint("/greet", new Endpoint() { // does not echo: a greeting on open, then nothing
                    @Override
                    public void onOpen(ServerSession session) {
                        session.send("welcome");
                    }
                })
                .endpoint("/hangup", new Endpoint() {
                    @Override
                    public void onBinary(ServerSession session, ByteBuffer data) {
                        session.close(1011, "hanging up");
                    }
                })
                .build();
        broadcast.server = server;
        return server.start();
    }

    static String url(WebSocketServer server, String path) {
        return "ws://127.0.0.1:" + server.port() + path;
    }

    private static final class Broadcast implements Endpoint {
        private final Set<ServerSession> members = ConcurrentHashMap.newKeySet();
        volatile WebSocketServer server;

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
}
