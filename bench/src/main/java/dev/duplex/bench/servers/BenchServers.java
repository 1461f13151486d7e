package dev.duplex.bench.servers;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Main class of {@code bench-servers.jar}: {@code java -jar bench-servers.jar NAME [--host H] [--port N]
 * [--threads N] [--transport nio|epoll]} where NAME is one of {@code duplex}, {@code netty}, {@code jetty},
 * {@code java-websocket}. Prints {@code LISTENING <port>} on standard output once the server accepts connections
 * and runs until the JVM is asked to stop (SIGTERM, Ctrl-C), which closes the server from a shutdown hook.
 */
public final class BenchServers {

    /** Starts a server with the parsed arguments. */
    @FunctionalInterface
    interface Starter {
        RunningServer start(ServerArgs args) throws Exception;
    }

    private static final Map<String, Starter> SERVERS = Map.of(
            "duplex", DuplexBenchServer::start,
            "netty", NettyBenchServer::start,
            "jetty", JettyBenchServer::start,
            "java-websocket", JavaWebSocketBenchServer::start);

    private BenchServers() {
    }

    public static void main(String[] args) throws Exception {
        Starter starter = args.length == 0 ? null : SERVERS.get(args[0]);
        if (starter == null) {
            System.err.println("usage: java -jar bench-servers.jar " + String.join("|", SERVERS.keySet().stream().sorted().toList())
                    + " [--host 127.0.0.1] [--port 8080] [--threads 1] [--transport nio|epoll]");
            System.exit(2);
        }
        serve(starter, Arrays.copyOfRange(args, 1, args.length));
    }

    /** Starts the server, announces {@code LISTENING <port>}, then blocks until the JVM shuts down. */
    static void serve(Starter starter, String[] args) throws Exception {
        ServerArgs parsed;
        try {
            parsed = ServerArgs.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        RunningServer server = starter.start(parsed);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "bench-server-shutdown"));
        System.out.println("LISTENING " + server.port());
        System.out.flush();
        stopped.await();
    }
}
