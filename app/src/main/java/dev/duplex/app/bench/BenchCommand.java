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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code duplex bench URL}: a load generator for any WebSocket server, like wrk for WebSocket. Echo mode measures
 * round trips, fanout mode broadcast deliveries, connect mode how fast connections open. The attack modes
 * (slowread, partial, slowloris, flood) behave like hostile clients and report what the server did with them.
 * Prints a report (or one JSON object with {@code --json}) on stdout and progress lines on stderr.
 *
 * <p>Exit status: 0 when the run completed without errors (an attack: when it ran, whatever the server did), 1
 * when errors were counted or the run was aborted, 2 for bad options.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load-test a WebSocket server: echo round trips, fanout deliveries, duplex hub publish/subscribe"
                + " deliveries (over one node or several) or connection opening; or"
                + " attack it (slowread, partial, slowloris, flood) and report whether it shed the connections.",
                "Runs on its own non-blocking selector loop(s) with pre-encoded frames, so it stays cheaper than the"
                        + " server it drives."},
        footer = {"",
                "Exit codes:",
                "  0  the run completed and no error was counted",
                "  1  errors were counted, hub messages were lost, duplicated or out of order,",
                "     or the run was aborted (the report says why)",
                "  2  usage error (bad option or URL)",
                "",
                "Examples:",
                "  duplex bench ws://127.0.0.1:8080/echo",
                "  duplex bench --mode fanout -c 100 ws://127.0.0.1:8080/broadcast/bench",
                "  duplex bench --mode hub -c 3000 ws://h1:8080/hub,ws://h2:8080/hub",
                "Docs: docs/operations.md (options, report), docs/benchmarks.md."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "URL", arity = "1..*", split = ",", description = "ws://host:port/path to open (echo: an"
            + " echo endpoint; fanout: a broadcast endpoint; hub: the /hub endpoint). Several URLs (separate"
            + " arguments or a comma list): the connections (subscribers in fanout and hub mode) are spread over them"
            + " round robin; attacks use one URL.")
    List<URI> urls;

    /** The first URL (set by the checks). */
    URI url;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "echo", description = "echo, fanout, hub or connect"
            + " (default: ${DEFAULT-VALUE}); hub: publishers publish JSON on --topic of the duplex hub, -c subscribers"
            + " subscribe to it, every subscriber's topic seqs are checked (lost, duplicated, out of order); attacks: slowread (upgrade, send --size frames, never read), partial (upgrade, send a frame header"
            + " announcing --size bytes and all but the last, then nothing), slowloris (send an upgrade request head"
            + " " + SlowlorisHead.STEP + " bytes every --interval, never ending it), flood (send frames as fast as"
            + " possible; --no-read: never read).")
    String mode;

    @Option(names = {"-c", "--connections"}, paramLabel = "N", defaultValue = "10",
            description = "Connections; subscribers in fanout mode (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--in-flight", paramLabel = "N", defaultValue = "1",
            description = "Messages in flight per connection (fanout: per publisher) (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "32", description = "Payload bytes per message (default: ${DEFAULT-VALUE};"
            + " fanout needs at least 32; hub: characters of the message's data string, at least 32; partial: the"
            + " payload length the frame header announces).")
    int size;

    @Option(names = "--type", paramLabel = "text|binary",
            defaultValue = "binary", description = "text or binary (default: ${DEFAULT-VALUE}; hub mode always sends"
                    + " text).")
    String type;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured time, e.g. 300ms, 10s, 1m; attacks: how long the attack lasts at most"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = {"-n", "--messages"}, paramLabel = "N", defaultValue = "0",
            description = "Measure exactly this many messages instead of a duration (echo: round trips; fanout:"
                    + " messages published, each delivered to every subscriber).")
    long messages;

    @Option(names = "--warmup", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Unmeasured load first (default: 2s for a timed run, 0 with --messages).")
    Duration warmup;

    @Option(names = "--publishers", paramLabel = "N",
            defaultValue = "1", description = "Fanout, hub: publisher connections (default: ${DEFAULT-VALUE}).")
    int publishers;

    @Option(names = "--publish-url", paramLabel = "URL",
            description = "Fanout, hub: the URL the publishers open (default: the first URL).")
    URI publishUrl;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "bench",
            description = "Hub: the topic published and subscribed to (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--ack", description = "Hub: publish with \"ack\":true; a message stays in flight until it is"
            + " acked and delivered to every subscriber, and the report has the ack latency.")
    boolean ack;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "0",
            description = "Cap on messages per second over all connections (fanout: publishes; slowread, flood:"
                    + " frames); 0 = no cap.")
    long rate;

    @Option(names = "--threads", paramLabel = "N",
            defaultValue = "1", description = "Selector loop threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = "Longest wait for a connection to open or a message to come back; attacks: for the TCP"
                    + " connect and the answer to the upgrade request (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "256",
            description = "Connection attempts in progress at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--hold", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = "Connect mode: how long to keep the connections open (default: ${DEFAULT-VALUE}).")
    Duration hold;

    @Option(names = "--interval", paramLabel = "TIME", defaultValue = "1s", converter = DurationConverter.class,
            description = "Slowloris: time between two writes of the request head (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--no-read", description = "Flood: never read what the server sends.")
    boolean noRead;

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
        boolean showProgress = progress != null ? progress : System.console() != null;
        if (mode().attack()) {
            AttackResult result = new AttackRun(attackPlan(), showProgress ? err : null).run();
            out.println(json ? AttackReport.json(result) : AttackReport.text(result));
            out.flush();
            return result.aborted() == null ? 0 : 1;
        }
        BenchPlan plan = plan();
        BenchResult result = new Bench(plan, showProgress ? err : null).run();
        out.println(json ? JsonReport.render(result) : TextReport.render(result));
        out.flush();
        return result.clean() ? 0 : 1;
    }

    /** Checks the options of an attack mode and turns them into a plan; a bad option is a {@link ParameterException}. */
    AttackPlan attackPlan() {
        Mode m = mode();
        checkUrl();
        require(m.attack(), "not an attack mode: " + mode);
        require(urls.size() == 1, "an attack takes one URL, not " + urls.size());
        require(type.equalsIgnoreCase("text") || type.equalsIgnoreCase("binary"), "--type must be text or binary");
        require(connections > 0, "--connections must be at least 1");
        require(size >= 0 && size <= 16 << 20, "--size must be between 0 and 16 MiB");
        require(m != Mode.PARTIAL || size >= 1, "--size must be at least 1 for partial frames");
        require(messages == 0, "--messages does not apply to attacks: give --duration");
        require(!duration.isZero(), "--duration must be above 0");
        require(rate >= 0, "--rate must not be negative");
        require(threads > 0 && threads <= 256, "--threads must be between 1 and 256");
        require(concurrency > 0, "--concurrency must be at least 1");
        require(!timeout.isZero(), "--timeout must be above 0");
        require(!interval.isZero(), "--interval must be above 0");
        return new AttackPlan(url, m, connections, size, type.equalsIgnoreCase("text"), duration, rate, timeout,
                interval, !noRead, threads, concurrency, sources(connections));
    }

    private Mode mode() {
        try {
            return Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad("--mode must be echo, fanout, hub, connect, slowread, partial, slowloris or flood, not " + mode);
        }
    }

    private void checkUrl() {
        url = urls.get(0);
        for (URI u : urls) {
            checkUrl(u);
        }
        if (publishUrl != null) {
            checkUrl(publishUrl);
        }
    }

    private void checkUrl(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        require(scheme.equals("ws"), "only ws:// URLs are supported (no TLS yet): " + u);
        require(u.getHost() != null, "the URL has no host: " + u);
    }

    private SourceAddresses sources(int total) {
        try {
            return sourceAddresses != null ? SourceAddresses.parse(sourceAddresses)
                    : SourceAddresses.automatic(InetAddress.getByName(url.getHost()), total, EphemeralPortRange.current());
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            throw bad(e.getMessage());
        }
    }

    /** Checks the options and turns them into a plan; a bad option is a {@link ParameterException}. */
    BenchPlan plan() {
        checkUrl();
        Mode m = mode();
        require(!m.attack(), "an attack mode has no measurement plan: " + mode);
        require(type.equalsIgnoreCase("text") || type.equalsIgnoreCase("binary"), "--type must be text or binary");
        require(connections > 0, "--connections must be at least 1");
        require(inFlight > 0 && inFlight <= 1 << 20, "--in-flight must be between 1 and 1048576");
        require(size >= 0 && size <= 16 << 20, "--size must be between 0 and 16 MiB");
        require(!(m == Mode.FANOUT || m == Mode.HUB) || size >= FanoutStamp.LENGTH,
                mode + " messages carry a " + FanoutStamp.LENGTH + "-byte stamp: --size must be at least " + FanoutStamp.LENGTH);
        require(m != Mode.HUB || HubFrames.validTopic(topic),
                "--topic must be 1-64 characters of A-Z a-z 0-9 . _ : - not starting with '.': " + topic);
        require(m != Mode.HUB || size <= 900_000, "hub messages are at most 1000000 bytes: --size at most 900000");
        require(publishers > 0, "--publishers must be at least 1");
        require(messages >= 0, "--messages must not be negative");
        require(rate >= 0, "--rate must not be negative");
        require(threads > 0 && threads <= 256, "--threads must be between 1 and 256");
        require(concurrency > 0, "--concurrency must be at least 1");
        require(!duration.isZero() || messages > 0 || m == Mode.CONNECT, "--duration must be above 0");
        require(!timeout.isZero(), "--timeout must be above 0");
        Duration w = warmup != null ? warmup : messages > 0 || m == Mode.CONNECT ? Duration.ZERO : Duration.ofSeconds(2);
        boolean publishing = m == Mode.FANOUT || m == Mode.HUB;
        int total = publishing ? connections + publishers : connections;
        SourceAddresses sources = sources(total);
        boolean text = m == Mode.HUB || type.equalsIgnoreCase("text");
        return new BenchPlan(url, m, connections, inFlight, size, text, duration, messages, w,
                publishers, rate, timeout, hold, threads, concurrency, sources, serverPid, urls,
                publishUrl != null ? publishUrl : url, topic, ack);
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
