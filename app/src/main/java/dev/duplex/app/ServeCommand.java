package dev.duplex.app;

import dev.duplex.app.bench.DurationConverter;
import dev.duplex.core.EngineConfig;
import dev.duplex.core.deflate.PerMessageDeflate;
import dev.duplex.hub.Hub;
import dev.duplex.hub.HubException;
import dev.duplex.net.TlsConfig;
import dev.duplex.net.WebSocketServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.logging.Level;

/**
 * {@code duplex serve}: the hub on {@code /hub}, the chat page on {@code /} and the live-data page on
 * {@code /live.html} (both using {@code /duplex.js}), the raw {@code /echo} and {@code /broadcast/*} endpoints,
 * {@code /healthz} and {@code /metrics}, all on one port. Runs until interrupted; stops gracefully (close 1001 to
 * every client) on Ctrl-C or SIGTERM.
 *
 * <p>{@link #start()} builds and starts everything from the parsed options and returns a {@link Serving} that
 * tests stop themselves.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve the duplex hub (/hub), the demo pages (/ chat, /live.html live data, /duplex.js), the "
                + "raw endpoints /echo and /broadcast/{topic}, /healthz and /metrics (Prometheus) on one port.",
        footer = {"",
            "Exit codes:",
            "  0  stopped by Ctrl-C or SIGTERM (after closing every connection with 1001)",
            "  1  cannot listen on the address (port in use, no such address), or the",
            "     data folder cannot be used (another duplex serve has it, bad store)",
            "  2  usage error (bad option or value); the error and a pointer to --help",
            "",
            "Environment: DUPLEX_TOKEN_SECRET is the default of --token-secret.",
            "Docs: docs/operations.md (options, logs, metrics), docs/browser-client.md."})
final class ServeCommand implements Callable<Integer> {
    /** The logger of serve's own lines (the demo feed's errors, the shutdown line). */
    static final String LOG_NAME = "dev.duplex.app.serve";
    private static final System.Logger LOG = System.getLogger(LOG_NAME);
    /** The largest --max-message-size: messages are held whole in one array. */
    static final long MAX_MESSAGE_SIZE = 1L << 30;

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--port"}, defaultValue = "8080", paramLabel = "PORT",
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--static", paramLabel = "DIR",
            description = "Serve the files under DIR instead of the built-in pages. /duplex.js stays available "
                    + "(from the app) so your pages can import it.")
    Path staticDirectory;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory where the hub keeps topics and their messages (default: ./duplex-data).")
    Path dataDirectory;

    @Option(names = "--memory", description = "Keep topics in memory only: nothing survives a restart.")
    boolean memory;

    @Option(names = "--redis", paramLabel = "URI",
            description = "Be one of several nodes sharing Redis: one primary (redis://host:port, rediss:// for TLS), "
                    + "Sentinel (redis-sentinel://host:26379[,host2:26379]/?sentinelMasterId=NAME) or Redis Cluster "
                    + "(redis-cluster://host:port[,host2:port...]). Redis numbers, keeps and carries the messages. "
                    + "Excludes --data and --memory.")
    String redis;

    @Option(names = "--hub-urls", split = ",", paramLabel = "URL",
            description = "The /hub URLs of the other nodes (ws:// or wss://, comma-separated), for the built-in "
                    + "pages: they try their own node first, then these in turn when it is unreachable. Served as "
                    + "/hub-urls.json. Those nodes must allow this node's origin (--allow-origin).")
    List<String> hubUrls = new ArrayList<>();

    @Option(names = "--history", defaultValue = "1000", paramLabel = "N",
            description = "Messages kept per topic for history and resume (default: ${DEFAULT-VALUE}; 0 keeps none).")
    int history;

    @Option(names = "--history-age", defaultValue = "24", paramLabel = "HOURS",
            description = "Messages older than this are dropped from history (default: ${DEFAULT-VALUE} h).")
    long historyHours;

    @Option(names = "--publish-rate", defaultValue = "50", paramLabel = "N",
            description = "Publishes per second one /hub connection may make, in bursts of up to twice that; more get"
                    + " rate_limited (default: ${DEFAULT-VALUE}). Requests of any kind: 200/s or twice this, the larger.")
    int publishRate;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain: serve https and wss (needs --tls-key).")
    Path tlsCertificate;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8) for --tls-cert.")
    Path tlsKey;

    @Option(names = "--token-secret", paramLabel = "SECRET", defaultValue = "${env:DUPLEX_TOKEN_SECRET}",
            description = "Require an HS256 JWT (?token=) signed with SECRET to connect to /hub "
                    + "(default: $DUPLEX_TOKEN_SECRET; none: anyone may connect).")
    String tokenSecret;

    @Option(names = "--require-token-exp",
            description = "With --token-secret: refuse tokens without an exp claim (401). Expired tokens close "
                    + "open connections (4001) either way.")
    boolean requireTokenExp;

    @Option(names = "--accept-empty-store",
            description = "Start even if the store file (hub.mv.db in --data) was deleted or emptied while hub.seq "
                    + "says messages were numbered; numbering continues above them. Without it serve refuses.")
    boolean acceptEmptyStore;

    @Option(names = "--demo-topic", defaultValue = "live.demo", paramLabel = "TOPIC",
            description = "Topic of the built-in demo feed shown on /live.html (default: ${DEFAULT-VALUE}).")
    String demoTopic;

    @Option(names = "--demo-interval", defaultValue = "300", paramLabel = "MS",
            description = "Milliseconds between two demo feed updates (default: ${DEFAULT-VALUE}).")
    long demoIntervalMillis;

    @Option(names = "--no-demo", description = "Do not run the demo feed.")
    boolean noDemo;

    @Option(names = "--event-loops", paramLabel = "N",
            description = "Selector threads (default: one per core).")
    Integer eventLoops;

    @Option(names = "--compress", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Offer permessage-deflate on /hub, /echo and /broadcast, without context takeover and with"
                    + " zlib memory released between messages (default: off).")
    boolean compress;

    @Option(names = "--max-message-size", paramLabel = "SIZE", defaultValue = "64KiB",
            converter = ByteSizeConverter.class,
            description = "Largest message on /echo and /broadcast, e.g. 16MiB; larger ones close with 1009."
                    + " Hub requests are limited to the same, at most 1000000 bytes (default: ${DEFAULT-VALUE}).")
    long maxMessageSize;

    @Option(names = "--idle-timeout", paramLabel = "TIME", defaultValue = "0", converter = DurationConverter.class,
            description = "Close (1001) a WebSocket connection that received nothing for TIME, e.g. 5m"
                    + " (default: 0, never).")
    Duration idleTimeout;

    @Option(names = "--ping-interval", paramLabel = "TIME", defaultValue = "0", converter = DurationConverter.class,
            description = "Ping a WebSocket connection that was quiet for TIME, e.g. 30s (default: 0, no pings).")
    Duration pingInterval;

    @Option(names = "--pong-timeout", paramLabel = "TIME", defaultValue = "30s", converter = DurationConverter.class,
            description = "With --ping-interval: drop a connection from which nothing arrives within TIME after a"
                    + " ping (default: ${DEFAULT-VALUE}).")
    Duration pongTimeout;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "error, warn, info, debug or trace: what is logged on stderr; debug adds stack traces"
                    + " (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Option(names = "--access-log",
            description = "Log one line per HTTP request, WebSocket upgrade and close on stderr: remote address,"
                    + " method, path, status or close code, duration.")
    boolean accessLog;

    @Option(names = "--max-buffered-memory", paramLabel = "SIZE", converter = ByteSizeConverter.class,
            description = "Memory the server may hold for clients, over all connections: output not yet written "
                    + "and input of messages still arriving (e.g. 256MiB; default: a quarter of the heap). Past it the "
                    + "connections holding the most are closed (1013, or 1009 for input).")
    Long maxBufferedMemory;

    @Option(names = "--max-connections", defaultValue = "10000", paramLabel = "N",
            description = "Connections open at once; more get HTTP 503 with Retry-After (default: ${DEFAULT-VALUE}; "
                    + "0: no limit).")
    int maxConnections;

    @Option(names = "--max-connections-per-ip", defaultValue = "0", paramLabel = "N",
            description = "Connections open at once from one IP address; more get HTTP 503 with Retry-After "
                    + "(default: ${DEFAULT-VALUE}, no limit).")
    int maxConnectionsPerIp;

    @Option(names = "--handshake-timeout", defaultValue = "10s", paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Time a client has to complete TLS and send its HTTP request (default: ${DEFAULT-VALUE}).")
    Duration handshakeTimeout;

    @Option(names = "--read-timeout", defaultValue = "30s", paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Close (1008) a connection whose frame or message stopped arriving midway for this long "
                    + "(default: ${DEFAULT-VALUE}; 0: off). Idle connections between messages are not affected.")
    Duration readTimeout;

    @Option(names = "--write-timeout", defaultValue = "30s", paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Close (1013) a connection that took none of its pending output for this long "
                    + "(default: ${DEFAULT-VALUE}; 0: off).")
    Duration writeTimeout;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN",
            description = "Also let browser pages from ORIGIN (e.g. https://app.example.com) open /hub, /echo and "
                    + "/broadcast; repeatable; '*' lets in any origin. By default only pages served by this server "
                    + "(same origin) and non-browser clients (no Origin header) may; others get 403.")
    List<String> allowOrigins = new ArrayList<>();

    @Option(names = "--exit-after-start", hidden = true,
            description = "Stop as soon as the server runs and the store is open (exit 0): the class-data "
                    + "archive's training run in ./duplex, see docs/operations.md.")
    boolean exitAfterStart;

    /** Where start-up and error lines go; tests may replace it. */
    PrintStream log = System.err;

    /** Ends the process when an event loop died; tests may replace it. */
    java.util.function.IntConsumer exit = System::exit;

    /** The exit status of {@code serve} when an event loop died (EX_SOFTWARE). */
    static final int EXIT_LOOP_DIED = 70;

    /**
     * Starts serving (the port is bound before the hub's store is open, so clients can connect at once), waits
     * until the store is open, prints the banner and runs until the process is stopped.
     *
     * @return 1 if the address cannot be bound, the data folder is taken, a file cannot be read or the store cannot
     *         be opened (after stopping the server), each said in one line; 0 after start-up with
     *         {@code --exit-after-start}; otherwise never returns (the shutdown hook logs the last line)
     */
    @Override
    public Integer call() throws Exception {
        Serving serving;
        try {
            serving = start();
        } catch (BindException e) {
            return fail("cannot listen on " + hostAndPort() + ": " + bindProblem(e));
        } catch (HubException e) {
            return fail(e.getMessage() + (e.getMessage().contains("another hub uses this folder")
                    ? " (is another duplex serve running? stop it, or use --data DIR or --memory)" : ""));
        } catch (IOException e) {
            return fail("cannot start: " + (e instanceof NoSuchFileException n ? "no such file: " + n.getFile()
                    : e.getMessage() != null ? e.getMessage() : e.toString()));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            serving.close();
            Logs.direct(Level.INFO, LOG_NAME, serving.stopSummary());
            stopped.countDown();
        }, "duplex-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            serving.hub().ready().get();
        } catch (ExecutionException e) {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            serving.close();
            log.println("duplex serve: stopped: " + e.getCause().getMessage());
            log.flush();
            return 1;
        }
        System.out.println(serving.banner());
        System.out.flush();
        if (exitAfterStart) {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            serving.close();
            return 0;
        }
        stopped.await();
        return 0;
    }

    /**
     * Builds and starts the server, the hub and the demo feed from the parsed options.
     *
     * @throws ParameterException for inconsistent options (e.g. --tls-cert without --tls-key)
     * @throws IOException        when the port cannot be bound or a file cannot be read
     */
    Serving start() throws IOException {
        validate();
        Logs.configure(Logs.parse(logLevel), accessLog, log);
        Consumer<Throwable> errors = this::logError;
        WebSocketServer.Builder builder = WebSocketServer.builder()
                .host(host)
                .port(port)
                .engineConfig(EngineConfig.defaults().toBuilder()
                        .maxMessageSize(Math.max(EngineConfig.DEFAULT_MAX_SIZE, maxMessageSize)).build())
                .idleTimeout(idleTimeout)
                .ping(pingInterval, pongTimeout)
                .maxConnections(maxConnections)
                .maxConnectionsPerAddress(maxConnectionsPerIp)
                .handshakeTimeout(handshakeTimeout)
                .readTimeout(readTimeout)
                .writeTimeout(writeTimeout)
                .healthListener(this::healthChanged);
        if (maxBufferedMemory != null) {
            builder.memoryBudget(maxBufferedMemory);
        }
        if (eventLoops != null) {
            builder.eventLoops(eventLoops);
        }
        if (tlsCertificate != null) {
            try {
                builder.tls(TlsConfig.fromPem(tlsCertificate, tlsKey));
            } catch (GeneralSecurityException e) {
                throw new ParameterException(spec.commandLine(), "cannot use --tls-cert/--tls-key: " + e.getMessage(), e);
            }
        }
        return Serving.start(this, builder, errors);
    }

    private void validate() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port " + port + " is not a port (0 to 65535)");
        }
        if (dataDirectory != null && Files.exists(dataDirectory) && !Files.isDirectory(dataDirectory)) {
            throw new ParameterException(spec.commandLine(), "--data " + dataDirectory
                    + " is a file: it names the folder where the hub keeps its topics");
        }
        try {
            Logs.parse(logLevel);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--log-level " + logLevel
                    + " is not one of error, warn, info, debug, trace");
        }
        if (maxMessageSize < 1 || maxMessageSize > MAX_MESSAGE_SIZE) {
            throw new ParameterException(spec.commandLine(), "--max-message-size must be 1 byte to 1 GiB, was "
                    + maxMessageSize);
        }
        if (pongTimeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--pong-timeout must be positive");
        }
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        if (memory && dataDirectory != null) {
            throw new ParameterException(spec.commandLine(), "--memory and --data exclude each other");
        }
        if (publishRate < 1 || publishRate > 100_000_000) {
            throw new ParameterException(spec.commandLine(), "--publish-rate must be between 1 and 100000000");
        }
        if (redis != null && (memory || dataDirectory != null)) {
            throw new ParameterException(spec.commandLine(), "--redis excludes --data and --memory");
        }
        if (redis != null) {
            try {
                Hub.builder().redis(redis); // checks the form only
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--redis: " + e.getMessage());
            }
        }
        for (String url : hubUrls) {
            if (!HubUrls.valid(url)) {
                throw new ParameterException(spec.commandLine(), "--hub-urls " + url
                        + " is not a ws:// or wss:// URL with a host");
            }
        }
        if (staticDirectory != null && !Files.isDirectory(staticDirectory)) {
            throw new ParameterException(spec.commandLine(), "--static " + staticDirectory + " is not a directory");
        }
        if (history < 0 || historyHours < 1) {
            throw new ParameterException(spec.commandLine(), "--history must be >= 0 and --history-age >= 1");
        }
        if (!demoTopic.matches("[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,63}")) {
            throw new ParameterException(spec.commandLine(), "--demo-topic " + demoTopic
                    + " is not a topic name (1-64 of A-Z a-z 0-9 . _ : -, not starting with '.')");
        }
        if (maxConnections < 0 || maxConnectionsPerIp < 0) {
            throw new ParameterException(spec.commandLine(), "--max-connections and --max-connections-per-ip "
                    + "must be >= 0");
        }
        if (handshakeTimeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--handshake-timeout must be positive");
        }
        if (demoIntervalMillis < 10) {
            throw new ParameterException(spec.commandLine(), "--demo-interval must be at least 10 ms");
        }
        if (tokenSecret != null && tokenSecret.isBlank()) {
            tokenSecret = null; // an empty environment variable means "no tokens"
        }
        if (tokenSecret != null && tokenSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            throw new ParameterException(spec.commandLine(), "--token-secret needs at least 32 bytes (HS256)");
        }
        if (requireTokenExp && tokenSecret == null) {
            throw new ParameterException(spec.commandLine(), "--require-token-exp needs --token-secret");
        }
    }

    /** The demo feed's failures: one WARN line, the stack trace too at debug (see {@link Logs}). */
    void logError(Throwable e) {
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.WARNING, "error", e);
        } else {
            LOG.log(System.Logger.Level.WARNING, "error: " + e);
        }
    }

    /** A failure before serving: one line on the log stream, exit code 1. */
    private int fail(String problem) {
        log.println("duplex serve: " + problem);
        log.flush();
        return 1;
    }

    private String hostAndPort() {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The cause of a failed bind in words, with what to do about it. */
    private static String bindProblem(BindException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("in use")) {
            return "address already in use (is another duplex running? use --port)";
        } else if (message.contains("assign")) {
            return "cannot assign requested address (is --host an address of this machine?)";
        } else if (message.contains("permission") || message.contains("denied")) {
            return "permission denied (ports below 1024 need privileges; use --port)";
        }
        return message.isEmpty() ? e.toString() : message;
    }

    /** The compression --compress turns on: see docs/operations.md ("Compression") for the memory reasoning. */
    static PerMessageDeflate compression() {
        return PerMessageDeflate.builder()
                .serverNoContextTakeover(true)
                .clientNoContextTakeover(true)
                .memoryPolicy(PerMessageDeflate.MemoryPolicy.RELEASE_WHEN_IDLE)
                .build();
    }

    /**
     * The watchdog's report: a stalled loop is logged (and /healthz answers 503 meanwhile); a dead loop ends the
     * process with {@link #EXIT_LOOP_DIED} and one line on stderr, so a supervisor restarts it instead of leaving
     * a listening server that serves nobody.
     */
    void healthChanged(dev.duplex.net.ServerHealth health) {
        String problems = String.join("; ", health.problems());
        if (health.deadLoops() > 0) {
            log.println("duplex serve: stopping, an event loop died: " + problems);
            log.flush();
            exit.accept(EXIT_LOOP_DIED);
        } else if (!health.healthy()) {
            LOG.log(System.Logger.Level.WARNING, "unhealthy: " + problems);
        } else {
            LOG.log(System.Logger.Level.INFO, "healthy again");
        }
    }

    Path effectiveDataDirectory() {
        return memory || redis != null ? null : dataDirectory != null ? dataDirectory : Path.of("duplex-data");
    }

    /** The --redis URI without its password, for the banner; null without --redis. */
    String redisForDisplay() {
        return redis == null ? null : redis.replaceFirst("//[^@/]*@", "//");
    }

    Duration demoInterval() {
        return Duration.ofMillis(demoIntervalMillis);
    }

    Random demoRandom() {
        return new Random();
    }
}
