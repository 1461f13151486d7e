package dev.duplex.app.connect;

import dev.duplex.app.Duplex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interactive side of {@code duplex connect}: prompt, markers, colours, help; and a real pseudo-terminal. */
@Timeout(60)
class ConnectTerminalTest {
    private static final String ESC = "\u001b";
    private final TestServer server = new TestServer();

    ConnectTerminalTest() throws Exception {
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static boolean colourAllowedByEnvironment() {
        return !"dumb".equals(System.getenv("TERM")) && System.getenv("NO_COLOR") == null;
    }

    @Test
    void atATerminalThereIsAPromptMarkersAndColour() throws Exception {
        Run run = Run.of(input("hello\n/help\n/quit\n"), true, server.url("/echo"));
        assertEquals(0, run.exitCode(), run::toString);
        String out = run.out();
        assertTrue(out.contains("> "), run::toString);
        assertTrue(out.contains("< hello"), run::toString);
        assertTrue(out.contains("connected to " + server.url("/echo")), "status on stdout at a terminal");
        assertTrue(out.contains("/close [code [reason]]"), "/help lists the commands");
        assertTrue(out.contains("closed: 1000"), run::toString);
        assertEquals(colourAllowedByEnvironment(), out.contains(ESC + "[32m< hello"), run::toString);
        assertEquals("", run.err(), run::toString);
    }

    @Test
    void noColorKeepsTheMarkersWithoutAnsi() throws Exception {
        Run run = Run.of(input("hello\n/quit\n"), true, "--no-color", server.url("/echo"));
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("< hello"), run::toString);
        assertFalse(run.hasAnsi(), run::toString);
    }

    @Test
    void controlCharactersFromTheServerAreShownNotObeyed() throws Exception {
        Run run = Run.of(input("bell\u0007 and " + ESC + "[2J clear\n/quit\n"), true, "--no-color", server.url("/echo"));
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("< bell\\x07 and \\x1b[2J clear"), run::toString);
        assertFalse(run.hasAnsi(), run::toString);
    }

    @Test
    void helpListsCommandsOptionsAndExitCodes() {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new Duplex());
        cmd.setOut(new PrintWriter(out));
        assertEquals(0, cmd.execute("connect", "--help"));
        String help = out.toString();
        for (String expected : List.of("/ping", "/close [code [reason]]", "/binary HEX", "/quit", "--exec",
                "--wait", "--echo", "--pretty", "--binary", "--compress", "--insecure", "--ca", "--connect-timeout",
                "--header", "--subprotocol", "--no-color", "Exit codes:", "  4  timeout")) {
            assertTrue(help.contains(expected), () -> "missing " + expected + " in\n" + help);
        }
    }

    /**
     * The real thing: the command in its own JVM under a pseudo-terminal made by util-linux {@code script}, so
     * {@link System#console()} is not null. Typed lines go to script's standard input.
     */
    @Test
    void realPseudoTerminal() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is not installed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(" ", List.of(quote(java), "-cp", quote(System.getProperty("java.class.path")),
                Duplex.class.getName(), "connect", server.url("/echo")));
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-qefc", command, "/dev/null");
        pb.environment().put("TERM", "xterm");
        pb.environment().remove("NO_COLOR");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try {
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            CompletableFuture<Void> pump = CompletableFuture.runAsync(() -> copy(p.getInputStream(), seen));
            OutputStream keys = p.getOutputStream();
            awaitOutput(seen, "> ");
            keys.write("over the pty\n".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            awaitOutput(seen, "< over the pty");
            keys.write("/quit\n".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), () -> "still running; output: " + text(seen));
            pump.get(10, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), () -> text(seen));
            String out = text(seen);
            assertTrue(out.contains(ESC + "[32m< over the pty"), "colours at a real terminal: " + out);
            assertTrue(out.contains("closed: 1000"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void awaitOutput(ByteArrayOutputStream seen, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (seen) {
            while (!text(seen).contains(wanted)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no '" + wanted + "' within 30 s; output: " + text(seen));
                }
                TimeUnit.NANOSECONDS.timedWait(seen, left);
            }
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream seen) {
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (seen) {
                    seen.write(buf, 0, n);
                    seen.notifyAll();
                }
            }
        } catch (IOException ended) {
            // the process is gone
        }
    }

    private static String text(ByteArrayOutputStream seen) {
        synchronized (seen) {
            return seen.toString(StandardCharsets.UTF_8);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Standard input that stays open until the test's lines are read, like a person typing. */
    private static InputStream input(String lines) throws IOException {
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(typing, 64 * 1024);
        typing.write(lines.getBytes(StandardCharsets.UTF_8));
        typing.flush();
        return in; // never closed: /quit ends the session
    }
}
