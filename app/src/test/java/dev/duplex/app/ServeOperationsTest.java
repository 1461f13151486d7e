package dev.duplex.app;

import dev.duplex.testkit.JdkWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator of {@code duplex serve} sees: one-line errors with their exit codes, short usage errors, the
 * log levels, the access log, the shutdown line, idle timeout and keepalive pings.
 */
@Timeout(60)
class ServeOperationsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    /** What one run of the command printed on its log stream (stderr) and returned. */
    private record Outcome(int code, String log) {
    }

    /** Runs {@code duplex serve ARGS} in-process (usage errors go to picocli's err, the rest to the log). */
    private static Outcome serve(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        ServeCommand command = new ServeCommand();
        command.log = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of("serve", "--host", "127.0.0.1"));
        all.addAll(List.of(args));
        CommandLine cli = Duplex.withShortUsageErrors(new CommandLine(CommandLine.Model.CommandSpec.create()
                .name("duplex")).addSubcommand("serve", command));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(all.toArray(String[]::new));
        return new Outcome(code, err + bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPortInUseIsOneLineAndExit1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Outcome o = serve("--port", String.valueOf(taken.getLocalPort()), "--memory", "--no-demo");
            assertEquals(1, o.code(), o.log());
            assertEquals("duplex serve: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": address already in use (is another duplex running? use --port)\n", o.log());
        }
    }

    @Test
    void aSecondServerOnTheSameDataFolderIsOneLineNamingIt(@TempDir Path data) throws Exception {
        try (Serving first = ServeCommandTest.start("--data", data.toString(), "--no-demo")) {
            Outcome o = serve("--port", "0", "--data", data.toString(), "--no-demo");
            assertEquals(1, o.code(), o.log());
            assertEquals(1, o.log().lines().count(), o.log());
            assertTrue(o.log().startsWith("duplex serve: cannot open the hub store in " + data
                    + ": another hub uses this folder (is another duplex serve running?"), o.log());
        }
    }

    @Test
    void aMissingCertificateFileIsOneLineAndExit1(@TempDir Path dir) {
        Path missing = dir.resolve("cert.pem");
        Outcome o = serve("--port", "0", "--memory", "--no-demo", "--tls-cert", missing.toString(), "--tls-key",
                dir.resolve("key.pem").toString());
        assertEquals(1, o.code(), o.log());
        assertEquals("duplex serve: cannot start: no such file: " + missing + "\n", o.log());
    }

    @Test
    void usageErrorsPrintTheErrorAndWhereHelpIsNotTheHelp(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        List<List<String>> cases = List.of(
                List.of("--port", "99999"), List.of("--port", "-1"), List.of("--data", file.toString()),
                List.of("--max-message-size", "16 parsecs"), List.of("--max-message-size", "2GiB"),
                List.of("--log-level", "loud"), List.of("--idle-timeout", "soon"), List.of("--bogus"));
        for (List<String> args : cases) {
            Outcome o = serve(args.toArray(String[]::new));
            assertEquals(2, o.code(), () -> args + ": " + o.log());
            List<String> lines = o.log().lines().toList();
            assertEquals(2, lines.size(), () -> args + ": " + o.log());
            assertTrue(lines.get(0).startsWith("duplex serve: "), o.log());
            assertEquals("see 'duplex serve --help'", lines.get(1));
        }
        assertTrue(serve("--port", "99999").log().startsWith("duplex serve: --port 99999 is not a port (0 to 65535)"));
        assertTrue(serve("--data", file.toString()).log().startsWith("duplex serve: --data " + file + " is a file"));
    }

    @Test
    void theAccessLogHasOneLinePerRequestAndUpgradeOnlyWhenAsked() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Serving s = startLogging(bytes, "--access-log")) {
            assertEquals(404, get(s, "/nothing/here?x=1").statusCode());
            try (JdkWebSocket ws = new JdkWebSocket(URI.create(s.wsBase() + "/echo"))) {
                ws.sendText("hi");
                assertEquals("hi", assertInstanceOf(JdkWebSocket.Text.class, ws.next(Duration.ofSeconds(10))).text());
            }
            String log = bytes.toString(StandardCharsets.UTF_8);
            // the line is written before the answer, so it is there once the client has the answer
            assertTrue(log.lines().anyMatch(access("GET /nothing/here 404 ")), log);
            assertTrue(log.lines().anyMatch(access("GET /echo 101 ")), log);
        }
        ByteArrayOutputStream quiet = new ByteArrayOutputStream();
        try (Serving s = startLogging(quiet)) {
            assertEquals(200, get(s, "/healthz").statusCode());
            assertFalse(quiet.toString(StandardCharsets.UTF_8).contains(" access "), quiet::toString);
        }
    }

    /** {@code 2026-12-02T13:05:01.123Z access 127.0.0.1:50312 GET /x 404 0.4ms}. */
    private static Predicate<String> access(String requestAndStatus) {
        return line -> line.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z access 127\\.0\\.0\\.1:\\d+ "
                + java.util.regex.Pattern.quote(requestAndStatus) + "\\d+\\.\\dms");
    }

    @Test
    void errorsAreOneLineAtInfoAndCarryTheStackTraceAtDebug() throws Exception {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        ServeCommand command = command(info, "--memory", "--no-demo");
        try (Serving ignored = command.start()) {
            command.logError(new IllegalStateException("boom"));
        }
        assertEquals(1, info.toString(StandardCharsets.UTF_8).lines().count(), info::toString);

        ByteArrayOutputStream debug = new ByteArrayOutputStream();
        command = command(debug, "--memory", "--no-demo", "--log-level", "debug");
        try (Serving ignored = command.start()) {
            command.logError(new IllegalStateException("boom"));
        }
        String logged = debug.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains(" WARN dev.duplex.app.serve: error\n"
                + "java.lang.IllegalStateException: boom\n\tat "), logged);

        ByteArrayOutputStream error = new ByteArrayOutputStream();
        command = command(error, "--memory", "--no-demo", "--log-level", "error");
        try (Serving ignored = command.start()) {
            command.logError(new IllegalStateException("boom"));
        }
        assertEquals("", error.toString(StandardCharsets.UTF_8), "a warning is below --log-level error");
    }

    @Test
    void closingSaysHowLongItRanAndHowManyConnectionsItClosed() throws Exception {
        Serving s = ServeCommandTest.start("--memory", "--no-demo");
        JdkWebSocket ws = new JdkWebSocket(URI.create(s.wsBase() + "/echo"));
        try {
            ws.sendText("x");
            ws.next(Duration.ofSeconds(10));
            s.close();
            assertEquals(1001, assertInstanceOf(JdkWebSocket.Closed.class, ws.next(Duration.ofSeconds(10))).code());
        } finally {
            ws.close();
            s.close();
        }
        assertTrue(s.stopSummary().matches("stopped after \\d+\\.\\d s, 1 connection closed"), s.stopSummary());
        assertEquals("2m05s", Serving.uptime(125_000_000_000L));
        assertEquals("3h07m", Serving.uptime((3 * 3600 + 7 * 60) * 1_000_000_000L));
        assertEquals("2d01h", Serving.uptime((2 * 86_400 + 3600) * 1_000_000_000L));
    }

    @Test
    void idleConnectionsAreClosedWith1001() throws Exception {
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo", "--idle-timeout", "300ms");
             JdkWebSocket ws = new JdkWebSocket(URI.create(s.wsBase() + "/echo"))) {
            JdkWebSocket.Event e = ws.next(Duration.ofSeconds(10));
            assertEquals(1001, assertInstanceOf(JdkWebSocket.Closed.class, e).code(), e.toString());
        }
    }

    @Test
    void quietConnectionsArePingedAndDroppedWithoutAPong() throws Exception {
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo", "--ping-interval", "200ms",
                "--pong-timeout", "300ms");
             Socket raw = new Socket("127.0.0.1", s.port())) {
            raw.setSoTimeout(10_000);
            OutputStream out = raw.getOutputStream();
            out.write(("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = raw.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            assertEquals(0x89, in.read(), "a ping frame (FIN + opcode 9) after the quiet interval");
            int length = in.read() & 0x7f;
            assertEquals(length, in.readNBytes(length).length);
            // we never answer: the server drops the connection after the pong timeout
            while (in.read() >= 0) {
                // drain until EOF
            }
        }
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }

    private static ServeCommand command(ByteArrayOutputStream log, String... args) {
        ServeCommand command = new ServeCommand();
        List<String> all = new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1"));
        all.addAll(List.of(args));
        new CommandLine(command).parseArgs(all.toArray(String[]::new));
        command.log = new PrintStream(log, true, StandardCharsets.UTF_8);
        return command;
    }

    private static Serving startLogging(ByteArrayOutputStream log, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--memory", "--no-demo"));
        all.addAll(List.of(args));
        return command(log, all.toArray(String[]::new)).start();
    }

    private HttpResponse<String> get(Serving s, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(s.httpBase() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
