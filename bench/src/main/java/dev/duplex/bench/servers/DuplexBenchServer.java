package dev.duplex.bench.servers;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collection;

/**
 * duplex's {@link WebSocketServer} with {@code --threads} event loops (default 1; {@code --loops} is an alias),
 * compression off (no endpoint enables it), no idle timeout, default backpressure. Broadcast encodes each frame
 * once and shares it between all members ({@link WebSocketServer#broadcast(Collection, String)}).
 */
public final class DuplexBenchServer {

    private DuplexBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        BenchServers.serve(DuplexBenchServer::start, args);
    }

    public static RunningServer start(ServerArgs args) throws IOException {
        Broadcast broadcast = new Broadcast();
        WebSocketServer server = WebSocketServer.builder()
                .host(args.host())
                .port(args.port())
                .eventLoops(args.threads())
                .endpoint("/echo", new Echo())
                .endpoint("/broadcast", broadcast)
                .endpoint("/broadcast/*", broadcast)
                .build();
        broadcast.server = server;
        server.start();
        return RunningServer.of(server.port(), server::stop);
    }

    private static final class Echo implements Endpoint {
        @Override
        public void onText(ServerSession session, String text) {
            session.send(text);
        }

        @Override
        public void onBinary(ServerSession session, ByteBuffer data) {
            session.send(data);
        }
    }

    private static final class Broadcast implements Endpoint {
        private final Topics<ServerSession> topics = new Topics<>();
        private volatile WebSocketServer server;

        @Override
        public void onOpen(ServerSession session) {
            session.attachment(topics.join(session.request().path(), session));
        }

        @Override
        public void onText(ServerSession session, String text) {
            server.broadcast(members(session), text);
        }

        @Override
        public void onBinary(ServerSession session, ByteBuffer data) {
            server.broadcast(members(session), data);
        }

        @Override
        public void onClose(ServerSession session, int code, String reason, boolean wasClean) {
            topics.leave(session.request().path(), session);
        }

        @SuppressWarnings("unchecked")
        private static Collection<ServerSession> members(ServerSession session) {
            return (Collection<ServerSession>) session.attachment();
        }
    }
}
