package dev.duplex.app;

import dev.duplex.net.TlsConfig;
import dev.duplex.net.WebSocketServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

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
        footer = {"", "Environment: DUPLEX_TOKEN_SECRET is the default of --token-secret.",
            "Docs: docs/operations.md (options, metrics), docs/browser-client.md (duplex.js, pages)."})
final class ServeCommand implements Callable<Integer> {

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
            description = "Be one of several nodes sharing Redis (redis://host:port, rediss:// for TLS): Redis numbers, "
                    + "keeps and carries the messages. Excludes --data and --memory.")
    String redis;

    @Option(names = "--history", defaultValue = "1000", paramLabel = "N",
            description = "Messages kept per topic for history and resume (default: ${DEFAULT-VALUE}; 0 keeps none).")
    int history;

    @Option(names = "--history-age", defaultValue = "24", paramLabel = "HOURS",
            description = "Messages older than this are dropped from history (default: ${DEFAULT-VALUE} h).")
    long historyHours;

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

    @Option(names = "--exit-after-start", hidden = true,
            description = "Stop as soon as the server runs and the store is open (exit 0): the class-data "
                    + "archive's training run in ./duplex, see docs/operations.md.")
    boolean exitAfterStart;

    /** Where start-up and error lines go; tests may replace it. */
    PrintStream log = System.err;

    /**
     * Starts serving (the port is bound before the hub's store is open, so clients can connect at once), waits
     * until the store is open, prints the banner and runs until the process is stopped.
     *
     * @return 1 if the store cannot be opened (after stopping the server); 0 after start-up with
     *         {@code --exit-after-start}; otherwise never returns
     */
    @Override
    public Integer call() throws Exception {
        Serving serving = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            serving.close();
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
        Consumer<Throwable> errors = this::logError;
        WebSocketServer.Builder builder = WebSocketServer.builder()
                .host(host)
                .port(port)
                .errorHandler(errors);
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
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        if (memory && dataDirectory != null) {
            throw new ParameterException(spec.commandLine(), "--memory and --data exclude each other");
        }
        if (redis != null && (memory || dataDirectory != null)) {
            throw new ParameterException(spec.commandLine(), "--redis excludes --data and --memory");
        }
        if (redis != null && !redis.startsWith("redis://") && !redis.startsWith("rediss://")) {
            throw new ParameterException(spec.commandLine(), "--redis " + redis + " is not a redis:// or rediss:// URI");
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

    /** One line per error (line breaks in messages flattened), so a log stays greppable. */
    void logError(Throwable e) {
        log.println(Instant.now() + " duplex serve: error: " + String.valueOf(e).replaceAll("\\s*\\R\\s*", " "));
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
