package dev.duplex.app;

import dev.duplex.hub.Hub;
import dev.duplex.hub.HubLimits;
import dev.duplex.hub.HubMetrics;
import dev.duplex.net.HttpReply;
import dev.duplex.net.OriginPolicy;
import dev.duplex.net.ServerHealth;
import dev.duplex.net.WebSocketServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A running {@code duplex serve}: the server, the hub installed on it and the demo feed publishing through the
 * hub. {@link #close()} stops them in the safe order (feed, server, hub). Thread-safe; close is idempotent.
 */
final class Serving implements AutoCloseable {
    /** The classpath folder of the built-in pages. */
    static final String PAGES = "web";

    private final WebSocketServer server;
    private final Hub hub;
    private final DemoFeed feed;
    private final ServeCommand options;
    private final Object closeLock = new Object();
    private final long startedNanos = System.nanoTime();
    private boolean closed;
    private volatile String stopSummary = "not stopped";

    private Serving(WebSocketServer server, Hub hub, DemoFeed feed, ServeCommand options) {
        this.server = server;
        this.hub = hub;
        this.feed = feed;
        this.options = options;
    }

    /**
     * Builds the hub, installs it with the pages, {@code /healthz} and {@code /metrics} on {@code builder}, starts
     * the server and the demo feed. On failure everything started so far is stopped again. The server and the hub
     * log their own errors (System.Logger); {@code errors} gets the demo feed's.
     */
    static Serving start(ServeCommand options, WebSocketServer.Builder builder, Consumer<Throwable> errors)
            throws IOException {
        Hub.Builder hubBuilder = Hub.builder()
                .limits(limits(options.maxMessageSize, options.publishRate))
                .history(options.history, Duration.ofHours(options.historyHours))
                .originPolicy(OriginPolicy.sameOrigin(options.allowOrigins.toArray(String[]::new)));
        if (options.compress) {
            hubBuilder.compression(ServeCommand.compression());
        }
        Path data = options.effectiveDataDirectory();
        if (options.redis != null) {
            hubBuilder.redis(options.redis);
        } else if (data == null) {
            hubBuilder.inMemory();
        } else {
            hubBuilder.dataDirectory(data).acceptEmptyStore(options.acceptEmptyStore);
        }
        if (options.tokenSecret != null) {
            hubBuilder.tokenSecret(options.tokenSecret.getBytes(StandardCharsets.UTF_8))
                    .requireTokenExp(options.requireTokenExp);
        }
        Hub hub = hubBuilder.build();
        WebSocketServer server = null;
        try {
            hub.install(builder);
            if (options.staticDirectory != null) {
                // The user's pages replace ours, but can still import the client library.
                builder.staticFiles(options.staticDirectory)
                        .http("/duplex.js", new ClasspathFile(PAGES + "/duplex.js", "text/javascript; charset=utf-8"));
            } else {
                builder.staticResources(PAGES);
            }
            AtomicReference<WebSocketServer> started = new AtomicReference<>();
            builder.http(HubUrls.PATH, new HubUrls(options.hubUrls));
            builder.http("/healthz", request -> healthz(started.get(), hub.clusterMetrics()
                            .map(m -> ClusterStatus.problem(m, ClusterStatus.UNREACHABLE_GRACE)).orElse(null)))
                    .http("/metrics", new MetricsPage(List.of(
                            out -> {
                                WebSocketServer s = started.get();
                                if (s != null) {
                                    MetricsPage.write(s.metrics(), out);
                                }
                            },
                            out -> writeHub(hub.metrics(), out),
                            out -> hub.clusterMetrics().ifPresent(m -> ClusterStatus.write(m, out)))));
            server = builder.build().start();
            started.set(server);
            hub.attach(server);
            DemoFeed feed = null;
            if (!options.noDemo) {
                feed = new DemoFeed(options.demoTopic, options.demoInterval(),
                        (topic, json) -> hub.publish(topic, json).whenComplete((published, failure) -> {
                            if (failure != null) {
                                errors.accept(failure);
                            }
                        }),
                        errors, options.demoRandom()).start();
            }
            return new Serving(server, hub, feed, options);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.stop();
            }
            hub.close();
            throw e;
        }
    }

    /**
     * The hub's limits for {@code --max-message-size}: raw messages (/echo, /broadcast) up to {@code size}, hub
     * requests up to the same but at most 1,000,000 bytes (the store's column), and room for two such messages in
     * a connection's send queue before it counts as a slow consumer; {@code publishRate} publishes per second per
     * connection (bursts of twice that), and requests of any kind at least twice that.
     */
    static HubLimits limits(long size, int publishRate) {
        HubLimits defaults = HubLimits.defaults();
        int requests = Math.max(defaults.requestsPerSecond(), 2 * publishRate);
        return HubLimits.builder()
                .publishRate(publishRate, 2 * publishRate)
                .requestRate(requests, 2 * requests)
                .maxRawMessageBytes((int) size)
                .maxMessageBytes((int) Math.min(size, 1_000_000))
                .maxOutboundBytes(Math.max(defaults.maxOutboundBytes(), 2 * size))
                .build();
    }

    /**
     * {@code /healthz}: 200 {@code {"status":"ok"}} while every event loop turns, 503
     * {@code {"status":"unhealthy","problems":[...]}} while the watchdog sees one stalled or dead.
     */
    static HttpReply healthz(WebSocketServer server) {
        return healthz(server, null);
    }

    /** As {@link #healthz(WebSocketServer)}, also 503 with {@code problem} in the list if it is not null. */
    static HttpReply healthz(WebSocketServer server, String problem) {
        ServerHealth health = server == null ? null : server.health();
        List<String> problems = new ArrayList<>(health == null ? List.of() : health.problems());
        if (problem != null) {
            problems.add(problem);
        }
        if (problems.isEmpty()) {
            return HttpReply.json(200, "{\"status\":\"ok\"}").withHeader("Cache-Control", "no-store");
        }
        StringBuilder json = new StringBuilder("{\"status\":\"unhealthy\",\"problems\":[");
        for (int i = 0; i < problems.size(); i++) {
            json.append(i == 0 ? "\"" : ",\"");
            for (char ch : problems.get(i).toCharArray()) {
                if (ch == '"' || ch == '\\') {
                    json.append('\\').append(ch);
                } else if (ch >= 0x20) {
                    json.append(ch);
                }
            }
            json.append('"');
        }
        return HttpReply.json(503, json.append("]}").toString()).withHeader("Cache-Control", "no-store");
    }

    /** The hub's counters as {@code duplex_hub_*} metrics (names listed in docs/operations.md). */
    static void writeHub(HubMetrics m, PrometheusText out) {
        out.gauge("duplex_hub_connections", "Hub connections (/hub) open now.", m.connections())
                .gauge("duplex_hub_topics", "Live topics now (with a subscriber or kept history).", m.topics())
                .counter("duplex_hub_published_total", "Messages committed (from clients and server code).",
                        m.published())
                .counter("duplex_hub_delivered_total", "Messages queued to subscribers, live and replayed "
                        + "(one per recipient).", m.delivered())
                .counter("duplex_hub_stored_total", "Messages written to the store.", m.stored())
                .counter("duplex_hub_replayed_total", "Messages sent from the store on resume or history.",
                        m.replayed())
                .counter("duplex_hub_errors_total", "Error replies, failed commits and listener failures.",
                        m.errors())
                .counter("duplex_hub_slow_consumers_closed_total", "Connections closed (1013) for not reading.",
                        m.slowConsumersClosed())
                .counter("duplex_hub_topics_reclaimed_total", "Topics dropped with no subscriber and no kept "
                        + "history.", m.topicsReclaimed())
                .counter("duplex_hub_topic_creations_refused_total", "Publishes and subscribes refused with "
                        + "topic_rate_limited.", m.topicCreationsRefused())
                .counter("duplex_hub_token_expiries_closed_total", "Connections closed (4001) when their token "
                        + "expired.", m.tokenExpiriesClosed())
                .counter("duplex_hub_duplicate_publishes_total", "Publishes not stored because their key was "
                        + "already used on the topic (acked with the first seq).", m.duplicatePublishes());
    }

    WebSocketServer server() {
        return server;
    }

    Hub hub() {
        return hub;
    }

    int port() {
        return server.port();
    }

    /** {@code http://host:port} (or https), with a host a browser can open. */
    String httpBase() {
        return (options.tlsCertificate != null ? "https://" : "http://") + displayHost() + ":" + port();
    }

    /** {@code ws://host:port} (or wss). */
    String wsBase() {
        return (options.tlsCertificate != null ? "wss://" : "ws://") + displayHost() + ":" + port();
    }

    private String displayHost() {
        String host = options.host;
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "localhost";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** The start-up lines: what runs and the URLs to open. */
    String banner() {
        String http = httpBase();
        String ws = wsBase();
        Path data = options.effectiveDataDirectory();
        StringBuilder b = new StringBuilder();
        b.append("duplex serve: listening on ").append(http).append("/  (storage: ")
                .append(options.redis != null ? "redis " + options.redisForDisplay()
                        : data == null ? "memory" : data.toAbsolutePath().normalize())
                .append(", tokens: ").append(options.tokenSecret == null ? "not required" : "required")
                .append(", messages up to ").append(ByteSizeConverter.format(options.maxMessageSize))
                .append(", compression: ").append(options.compress ? "on" : "off")
                .append(")\n");
        if (options.staticDirectory != null) {
            b.append("  pages      ").append(http).append("/  (from ")
                    .append(options.staticDirectory.toAbsolutePath().normalize()).append(")\n");
            b.append("  client     ").append(http).append("/duplex.js\n");
        } else {
            b.append("  chat       ").append(http).append("/\n");
            b.append("  live data  ").append(http).append("/live.html");
            if (feed != null) {
                b.append("  (demo feed on ").append(feed.topic()).append(" every ")
                        .append(options.demoIntervalMillis).append(" ms)");
            }
            b.append('\n');
        }
        b.append("  hub        ").append(ws).append("/hub\n");
        b.append("  echo       ").append(ws).append("/echo\n");
        b.append("  broadcast  ").append(ws).append("/broadcast/{topic}\n");
        b.append("  health     ").append(http).append("/healthz\n");
        b.append("  metrics    ").append(http).append("/metrics\n");
        b.append("Ctrl-C to stop.");
        return b.toString();
    }

    /** Stops the demo feed, then the server (close 1001 to every client), then the hub (commits and closes). */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        int open = server.openConnections();
        try {
            if (feed != null) {
                feed.close();
            }
            server.stop();
        } finally {
            hub.close();
            stopSummary = "stopped after " + uptime(System.nanoTime() - startedNanos) + ", " + open
                    + (open == 1 ? " connection" : " connections") + " closed";
        }
    }

    /** After {@link #close()}: "stopped after 2h03m, 14 connections closed". */
    String stopSummary() {
        return stopSummary;
    }

    static String uptime(long nanos) {
        long seconds = nanos / 1_000_000_000L;
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        } else if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        } else if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
    }
}
