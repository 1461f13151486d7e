package dev.duplex.bench.servers;

import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Java-WebSocket (org.java-websocket): one selector thread plus {@code --threads} decoder threads (default 1),
 * the default draft (no extensions, so no compression), TCP_NODELAY on (its default is off, which would add
 * Nagle delays to the latency workloads), connection-lost pings off (the others send no pings either).
 * {@code /broadcast[/topic]} uses the library's {@code broadcast(message, connections)}, which frames the message
 * once per draft and shares the frames. Unknown paths are refused during the handshake.
 */
public final class JavaWebSocketBenchServer extends WebSocketServer {

    private final Topics<WebSocket> topics = new Topics<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    private JavaWebSocketBenchServer(ServerArgs args) {
        super(new InetSocketAddress(args.host(), args.port()), args.threads());
        setTcpNoDelay(true);
        setReuseAddr(true);
        setConnectionLostTimeout(0);
    }

    public static void main(String[] args) throws Exception {
        BenchServers.serve(JavaWebSocketBenchServer::start, args);
    }

    public static RunningServer start(ServerArgs args) throws Exception {
        JavaWebSocketBenchServer server = new JavaWebSocketBenchServer(args);
        server.start();
        server.started.get(10, TimeUnit.SECONDS);
        int port = server.getPort();
        return RunningServer.of(port, () -> {
            try {
                server.stop(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft, ClientHandshake request)
            throws InvalidDataException {
        String path = path(request.getResourceDescriptor());
        if (!path.equals("/echo") && !Topics.isBroadcastPath(path)) {
            throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "unknown path " + path);
        }
        return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        String path = path(handshake.getResourceDescriptor());
        if (Topics.isBroadcastPath(path)) {
            conn.setAttachment(topics.join(path, conn));
        }
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        Collection<WebSocket> audience = conn.getAttachment();
        if (audience == null) {
            conn.send(message);
        } else {
            broadcast(message, audience);
        }
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        Collection<WebSocket> audience = conn.getAttachment();
        if (audience == null) {
            conn.send(message);
        } else {
            broadcast(message, audience);
        }
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        String path = path(conn.getResourceDescriptor());
        if (Topics.isBroadcastPath(path)) {
            topics.leave(path, conn);
        }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        if (conn == null) {
            started.completeExceptionally(ex);
        }
    }

    @Override
    public void onStart() {
        started.complete(null);
    }

    private static String path(String resourceDescriptor) {
        String path = URI.create(resourceDescriptor).getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }
}
