package dev.duplex.bench.servers;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.time.Duration;
import java.util.List;

/**
 * Jetty 12 with its native WebSocket API ({@code jetty-websocket-jetty-server}): a {@link Server} with one
 * {@link ServerConnector} (default acceptors, selectors and {@code QueuedThreadPool}; Jetty sizes them from the
 * CPUs it may use, one when pinned to a core), a {@link WebSocketUpgradeHandler} mapping {@code /echo} to
 * {@link JettyEchoSocket} and {@code /broadcast/*} (which includes {@code /broadcast}) to
 * {@link JettyBroadcastSocket}. The endpoints are declared non-blocking
 * ({@code InvocationType.NON_BLOCKING}), Jetty 12.1's switch for endpoints that never block, so frames are not
 * dispatched to the pool one by one (Jetty's default, BLOCKING, did 2-3x worse here). permessage-deflate is refused by clearing the negotiated extensions; idle
 * timeouts are an hour (the benchmarks keep idle connections open); messages up to 1 MiB. {@code --threads} and
 * {@code --transport} are ignored.
 */
public final class JettyBenchServer {

    private static final Duration IDLE_TIMEOUT = Duration.ofHours(1);

    private JettyBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        BenchServers.serve(JettyBenchServer::start, args);
    }

    public static RunningServer start(ServerArgs args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(args.host());
        connector.setPort(args.port());
        connector.setAcceptQueueSize(1024);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);

        Topics<org.eclipse.jetty.websocket.api.Session> topics = new Topics<>();
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server, context, container -> {
            container.setIdleTimeout(IDLE_TIMEOUT);
            // The endpoints never block (sends are asynchronous), so Jetty may call them on the thread that read
            // the frame instead of handing every frame to its pool: the same place as the other servers' callbacks.
            container.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
            container.setMaxTextMessageSize(1 << 20);
            container.setMaxBinaryMessageSize(1 << 20);
            container.addMapping("/echo", (request, response, callback) -> {
                response.setExtensions(List.of());
                return new JettyEchoSocket();
            });
            container.addMapping("/broadcast/*", (request, response, callback) -> {
                response.setExtensions(List.of());
                return new JettyBroadcastSocket(topics, request.getHttpURI().getPath());
            });
        });
        context.setHandler(upgrade);
        server.setHandler(context);
        server.setStopTimeout(2000);
        server.start();
        int port = connector.getLocalPort();
        return RunningServer.of(port, () -> {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("Jetty did not stop", e);
            }
        });
    }
}
