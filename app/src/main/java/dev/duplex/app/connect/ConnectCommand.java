package dev.duplex.app.connect;

import dev.duplex.core.deflate.PerMessageDeflate;
import dev.duplex.net.BinaryType;
import dev.duplex.net.WebSocket;
import dev.duplex.net.WebSocketBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code duplex connect URL}: an interactive WebSocket client for the terminal, also usable from scripts (see the
 * help text below, README "duplex connect" and docs/operations.md). Built on {@link WebSocket}.
 *
 * <p>Not thread-safe: picocli creates one per run. Returns the exit code from {@link #call()} ({@link ExitCodes}).
 */
@Command(name = "connect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Connect to a WebSocket server, send what you type (or what standard input carries, one message"
                        + " per line) and print what arrives.",
                "At a terminal: a '> ' prompt, messages received marked '< ', colours. Otherwise (scripts): each"
                        + " message received on its own line of standard output, status on standard error."},
        footer = {"",
                "Commands (at the prompt, or as lines of standard input):",
                PromptInput.HELP,
                "",
                "Answers (--exec, --wait): only messages that arrive after the first message",
                "sent count; with --exec of a JSON object with a string \"id\" (as /hub requests",
                "have), only a JSON object with the same \"id\" answers it.",
                "",
                "Exit codes:",
                "  0  closed cleanly: the server closed with 1000 or 1001, or we closed (/close,",
                "     /quit, end of input, --exec done)",
                "  1  the connection ended otherwise: another close code, a protocol error, lost",
                "     without a close handshake (1006), --exec closed before the answer",
                "  2  usage error (bad option, URL or header)",
                "  3  could not connect: refused, DNS, TLS, handshake rejected (the HTTP status",
                "     is printed)",
                "  4  timeout: --connect-timeout, --wait, or the close handshake",
                "",
                "Examples:",
                "  duplex connect ws://127.0.0.1:8080/echo",
                "  duplex connect --exec '{\"op\":\"ping\"}' --pretty wss://example.com/api",
                "  printf 'one\\ntwo\\n' | duplex connect ws://127.0.0.1:8080/echo"})
public final class ConnectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URL",
            description = "ws:// or wss:// URL; without a scheme, ws:// is assumed (localhost:8080/echo).")
    String url;

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
            description = "Extra request header (Origin, Authorization, Cookie...); repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-s", "--subprotocol"}, paramLabel = "P",
            description = "Subprotocol to offer; repeatable, in order of preference. A status line says which the"
                    + " server chose, or that it chose none.")
    List<String> subprotocols = new ArrayList<>();

    @Option(names = {"-x", "--exec"}, paramLabel = "MSG",
            description = "Send MSG, print its answer (the first message after it; see Answers below), close"
                    + " with 1000 and exit.")
    String exec;

    @Option(names = {"-w", "--wait"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "With --exec: how long to wait for the answer (default ${DEFAULT-VALUE}). At the end of"
                    + " standard input: how long to wait for as many answers as lines were sent before closing (0:"
                    + " close at once).")
    double waitSeconds;

    @Option(names = "--echo", description = "Send every message received back to the server (and print it).")
    boolean echo;

    @Option(names = "--pretty", description = "Print JSON messages indented.")
    boolean pretty;

    @Option(names = {"-b", "--binary"}, paramLabel = "hex|base64", defaultValue = "hex",
            converter = BinaryFormat.Converter.class,
            description = "How to print binary messages (default ${DEFAULT-VALUE}; /binary HEX sends one).")
    BinaryFormat binaryFormat;

    @Option(names = {"-c", "--compress"}, description = "Offer permessage-deflate (RFC 7692); a status line says if"
            + " the server declines it.")
    boolean compress;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "Trust only the certificates in this PEM file (e.g. a test server's); host names are"
                    + " still checked.")
    Path caFile;

    @Option(names = {"-k", "--insecure"},
            description = "Trust any certificate for any host name (tests only).")
    boolean insecure;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Bound on DNS, TCP, TLS and the handshake together (default ${DEFAULT-VALUE}).")
    double connectTimeoutSeconds;

    @Option(names = "--no-color", description = "No ANSI colours even at a terminal (NO_COLOR=1 works too).")
    boolean noColor;

    @Spec
    CommandSpec spec;

    private final InputStream input;
    private final Boolean terminalOverride;

    /** For picocli: reads {@link System#in}; a terminal when {@link System#console()} says so. */
    public ConnectCommand() {
        this(System.in, null);
    }

    /** For tests: {@code terminal} stands for "standard input and output are a terminal"; null asks the JVM. */
    ConnectCommand(InputStream input, Boolean terminal) {
        this.input = input;
        this.terminalOverride = terminal;
    }

    @Override
    public Integer call() throws Exception {
        validate();
        boolean terminal = terminalOverride != null ? terminalOverride : System.console() != null;
        boolean colour = terminal && !noColor && !"dumb".equals(System.getenv("TERM"))
                && System.getenv("NO_COLOR") == null;
        boolean interactive = terminal && exec == null;
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConsoleOutput console = new ConsoleOutput(out, err, interactive, colour);
        String target = target();

        ExecutorService events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "duplex-connect-events");
            t.setDaemon(true);
            return t;
        });
        ConnectSession session = new ConnectSession(builder(target, events), console,
                new MessageRenderer(pretty, binaryFormat, interactive), echo, seconds(waitSeconds));
        Thread onCtrlC = new Thread(session::closeOnShutdown, "duplex-connect-shutdown");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            Outcome outcome;
            try {
                if (exec != null) {
                    session.answerOnly();
                }
                outcome = session.open(target, seconds(connectTimeoutSeconds), subprotocols, compress);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            if (outcome == null) {
                outcome = exec != null ? session.exec(exec, seconds(waitSeconds)) : session.converse(input);
            }
            if (outcome.problem() != null) {
                console.error(outcome.problem());
            }
            return outcome.exitCode();
        } finally {
            removeHook(onCtrlC);
            events.shutdown();
        }
    }

    private void validate() {
        if (exec != null && echo) {
            throw usage("--exec and --echo cannot be used together");
        }
        if (caFile != null && insecure) {
            throw usage("--ca and --insecure cannot be used together");
        }
        if (!(connectTimeoutSeconds > 0) || !(waitSeconds >= 0) || exec != null && waitSeconds == 0) {
            throw usage("--connect-timeout (and --wait with --exec) must be positive, --wait not negative");
        }
    }

    private String target() {
        return url.contains("://") ? url : "ws://" + url;
    }

    private WebSocketBuilder builder(String target, ExecutorService events) {
        WebSocketBuilder b;
        try {
            b = WebSocket.builder(target);
        } catch (IllegalArgumentException e) {
            throw usage("bad URL '" + url + "': " + e.getMessage());
        }
        b.eventExecutor(events)
                .binaryType(BinaryType.BYTE_ARRAY)
                .connectTimeout(seconds(connectTimeoutSeconds));
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw usage("a header is 'Name: value', got '" + header + "'");
            }
            b.header(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
        }
        if (!subprotocols.isEmpty()) {
            b.subprotocols(subprotocols.toArray(String[]::new));
        }
        if (compress) {
            b.compression(PerMessageDeflate.defaults());
        }
        try {
            if (insecure) {
                b.sslContext(ClientTrust.insecure());
            } else if (caFile != null) {
                b.sslContext(ClientTrust.trusting(caFile));
            }
        } catch (IOException | GeneralSecurityException e) {
            throw usage("cannot use --ca " + caFile + ": " + e.getMessage());
        }
        return b;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: nothing to undo
        }
    }
}
