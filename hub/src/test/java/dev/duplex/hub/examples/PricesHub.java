package dev.duplex.hub.examples;

import dev.duplex.hub.Hub;
import dev.duplex.hub.HubListener;
import dev.duplex.hub.HubMessage;
import dev.duplex.net.WebSocketServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Example: a hub with stored history that publishes a made-up price on topic {@code prices} every second and logs
 * chat messages. Run with {@code java dev.duplex.hub.examples.PricesHub [port] [dataDir]}, then connect to
 * {@code ws://127.0.0.1:8080/hub?name=you} and send {@code {"type":"subscribe","topic":"prices","history":5}}.
 */
public final class PricesHub implements AutoCloseable {
    private final Hub hub;
    private final WebSocketServer server;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

    public PricesHub(int port, Path dataDir) throws Exception {
        hub = Hub.builder()
                .dataDirectory(dataDir)
                .history(1000, Duration.ofHours(24))
                .build();
        hub.addListener(new HubListener() {
            @Override
            public void onMessage(HubMessage m) {
                if (m.topic().startsWith("chat.")) {
                    System.out.println(m.from().name() + " in " + m.topic() + ": " + m.data());
                }
            }
        });
        server = hub.startServer(WebSocketServer.builder().host("127.0.0.1").port(port));
        ticker.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
    }

    private void tick() {
        double price = 100 + 5 * Math.sin(System.currentTimeMillis() / 10_000.0);
        hub.publish("prices", String.format(Locale.ROOT, "{\"symbol\":\"DPLX\",\"price\":%.2f}", price));
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() throws InterruptedException {
        ticker.shutdownNow();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        server.stop();   // first the server: no more requests
        hub.close();     // then the hub: commits, stops its thread, closes the database
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        Path data = Path.of(args.length > 1 ? args[1] : "hub-data");
        PricesHub app = new PricesHub(port, data);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                app.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        System.out.println("hub on ws://127.0.0.1:" + app.port() + "/hub, data in " + data.toAbsolutePath());
    }
}
