package dev.duplex.app.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code duplex bench URL}: a load generator for any WebSocket server, like wrk for WebSocket. Echo mode measures
 * round trips, fanout mode broadcast deliveries, connect mode how fast connections open. Prints a report (or
 * one JSON object with {@code --json}) on stdout and progress lines on stderr.
 *
 * <p>Exit status: 0 when the run completed without errors, 1 when errors were counted or the run was aborted, 2 for
 * bad options.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load-test a WebSocket server: echo round trips, fanout deliveries or connection opening.",
                "Runs on its own non-blocking selector loop(s) with pre-encoded frames, so it stays cheaper than the"
                        + " server it drives."},
        footer = {"",
                "Exit codes:",
                "  0  the run completed and no error was counted",
                "  1  errors were counted, or the run was aborted (the report says why)",
                "  2  usage error (bad option or URL)",
                "",
                "Examples:",
                "  duplex bench ws://127.0.0.1:8080/echo",
                "  duplex bench --mode fanout -c 100 ws://127.0.0.1:8080/broadcast/bench",
                "Docs: docs/operations.md (options, report), docs/benchmarks.md."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "ws://host:port/path to open (echo: an echo endpoint;"
            + " fanout: a broadcast endpoint).")
    URI url;

    @Option(names = "--mode", paramLabel = "echo|fanout|connect",
            defaultValue = "echo", description = "echo, fanout or connect (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = {"-c", "--connections"}, paramLabel = "N", defaultValue = "10",
            description = "Connections; subscribers in fanout mode (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--in-flight", paramLabel = "N", defaultValue = "1",
            description = "Messages in flight per connection (fanout: per publisher) (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--size", paramLabel = "BYTES",
            defaultValue = "32", description = "Payload bytes per message (default: ${DEFAULT-VALUE};"
            + " fanout needs at least 32).")
    int size;

    @Option(names = "--type", paramLabel = "text|binary",
            defaultValue = "binary", description = "text or binary (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME",
            defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured time, e.g. 300ms, 10s, 1m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = {"-n", "--messages"}, paramLabel = "N", defaultValue = "0",
            description = "Measure exactly this many messages instead of a duration (echo: round trips; fanout:"
                    + " messages published, each delivered to every subscriber).")
    long messages;

    @Option(names = "--warmup", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Unmeasured load first (default: 2s for a timed run, 0 with --messages).")
    Duration warmup;

    @Option(names = "--publishers", paramLabel = "N",
            defaultValue = "1", description = "Fanout: publisher connections (default: ${DEFAULT-VALUE}).")
    int publishers;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "0",
            description = "Cap on messages per second over all connections (fanout: publishes); 0 = no cap.")
    long rate;

    @Option(names = "--threads", paramLabel = "N",
            defaultValue = "1", description = "Selector loop threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = "Longest wait for a connection to open or a message to come back (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "256",
            description = "Connection attempts in progress at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--hold", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = "Connect mode: how long to keep the connections open (default: ${DEFAULT-VALUE}).")
    Duration hold;

    @Option(names = "--source-addresses", paramLabel = "ADDRESSES",
            description = "Local addresses to connect from, round robin: 127.0.0.1-127.0.0.8 or a,b,c (default:"
                    + " automatic, several 127.0.0.x when a loopback target needs more connections than the"
                    + " ephemeral port range holds).")
    String sourceAddresses;

    @Option(names = "--server-pid", paramLabel = "PID", defaultValue = "0",
            description = "Also report this process's CPU use over the measured window (Linux /proc).")
    long serverPid;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;

    @Option(names = "--progress", negatable = true,
            description = "A progress line every second on stderr (default: on when run in a terminal).")
    Boolean progress;

    private PrintStream out = System.out;
    private PrintStream err = System.err;

    /** For tests: where the report and the progress lines go. */
    BenchCommand output(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
        return this;
    }

    @Override
    public Integer call() throws Exception {
        BenchPlan plan = plan();
        boolean showProgress = progress != null ? progress : System.console() != null;
        BenchResult result = new Bench(plan, showProgress ? err : null).run();
        out.println(json ? JsonReport.render(result) : TextReport.render(result));
        out.flush();
        return result.aborted() == null && result.totalErrors() == 0 ? 0 : 1;
    }

    /** Checks the options and turns them into a plan; a bad option is a {@link ParameterException}. */
    BenchPlan plan() {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        require(scheme.equals("ws"), "only ws:// URLs are supported (no TLS yet): " + url);
        require(url.getHost() != null, "the URL has no host: " + url);
        Mode m;
        try {
            m = Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad("--mode must be echo, fanout or connect, not " + mode);
        }
        require(type.equalsIgnoreCase("text") || type.equalsIgnoreCase("binary"), "--type must be text or binary");
        require(connections > 0, "--connections must be at least 1");
        require(inFlight > 0 && inFlight <= 1 << 20, "--in-flight must be between 1 and 1048576");
        require(size >= 0 && size <= 16 << 20, "--size must be between 0 and 16 MiB");
        require(m != Mode.FANOUT || size >= FanoutStamp.LENGTH,
                "fanout messages carry a " + FanoutStamp.LENGTH + "-byte stamp: --size must be at least " + FanoutStamp.LENGTH);
        require(publishers > 0, "--publishers must be at least 1");
        require(messages >= 0, "--messages must not be negative");
        require(rate >= 0, "--rate must not be negative");
        require(threads > 0 && threads <= 256, "--threads must be between 1 and 256");
        require(concurrency > 0, "--concurrency must be at least 1");
        require(!duration.isZero() || messages > 0 || m == Mode.CONNECT, "--duration must be above 0");
        require(!timeout.isZero(), "--timeout must be above 0");
        Duration w = warmup != null ? warmup : messages > 0 || m == Mode.CONNECT ? Duration.ZERO : Duration.ofSeconds(2);
        int total = m == Mode.FANOUT ? connections + publishers : connections;
        SourceAddresses sources;
        try {
            sources = sourceAddresses != null ? SourceAddresses.parse(sourceAddresses)
                    : SourceAddresses.automatic(InetAddress.getByName(url.getHost()), total, EphemeralPortRange.current());
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            throw bad(e.getMessage());
        }
        return new BenchPlan(url, m, connections, inFlight, size, type.equalsIgnoreCase("text"), duration, messages, w,
                publishers, rate, timeout, hold, threads, concurrency, sources, serverPid);
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw bad(message);
        }
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
