package dev.duplex.app;

import dev.duplex.net.WebSocketServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code duplex serve}: a WebSocket server with an echo endpoint on {@code /echo} and a broadcast endpoint on
 * {@code /broadcast} (every message to every client there, sender included). Runs until interrupted; stops
 * gracefully (close 1001 to every client) on Ctrl-C or SIGTERM.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve /echo (every message sent back) and /broadcast (every message to every client).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-p", "--port"}, defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = {"--host"}, defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Override
    public Integer call() throws Exception {
        WebSocketServer server = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "duplex-shutdown"));
        String base = "ws://" + hostForUrl(host) + ":" + server.port();
        System.out.println("duplex serving " + base + "/echo and " + base + "/broadcast (Ctrl-C to stop)");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** Builds and starts the server with the parsed options. */
    WebSocketServer start() throws java.io.IOException {
        BroadcastEndpoint broadcast = new BroadcastEndpoint();
        WebSocketServer server = WebSocketServer.builder()
                .host(host)
                .port(port)
                .endpoint("/echo", new EchoEndpoint())
                .endpoint("/broadcast", broadcast)
                .build();
        broadcast.attach(server);
        return server.start();
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
