package dev.duplex.app;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Duplex#commandLineFor}: building only the named subcommand's model behaves exactly like the full
 * {@code duplex} command line (same output, same exit codes), and {@code main} uses it.
 */
class DuplexCommandLineTest {

    /** What one run printed and returned. */
    private record Outcome(int code, String out, String err) {
    }

    private static Outcome run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void theSubcommandTableMatchesTheAnnotation() {
        Set<String> declared = new TreeSet<>(new CommandLine(new Duplex()).getSubcommands().keySet());
        declared.remove("help");
        assertEquals(declared, new TreeSet<>(Duplex.SUBCOMMANDS.keySet()));
        for (String name : declared) {
            Object full = new CommandLine(new Duplex()).getSubcommands().get(name).getCommand();
            assertEquals(full.getClass(), Duplex.SUBCOMMANDS.get(name).get().getClass(), name);
        }
    }

    @Test
    void aNamedSubcommandIsTheOnlyOneBuilt() {
        CommandLine serve = Duplex.commandLineFor("serve", "--port", "0");
        assertEquals(Set.of("serve"), serve.getSubcommands().keySet());
        assertEquals(Set.of("connect"), Duplex.commandLineFor("connect", "--help").getSubcommands().keySet());
        assertEquals(Set.of("serve", "connect", "bench", "help"),
                Duplex.commandLineFor("--help").getSubcommands().keySet());
        assertEquals(4, Duplex.commandLineFor().getSubcommands().size());
        assertEquals(4, Duplex.commandLineFor("nope").getSubcommands().size());
    }

    @Test
    void helpUsageErrorsAndExitCodesAreThoseOfTheFullCommand() {
        List<List<String>> cases = List.of(
                List.of("--help"), List.of("-V"), List.of("help"), List.of("help", "serve"),
                List.of("serve", "--help"), List.of("serve", "-h"), List.of("serve", "--bogus"),
                List.of("serve", "--port", "notanumber"), List.of("serve", "--memory", "--data", "d"),
                List.of("serve", "extra"), List.of("connect", "--help"), List.of("connect"),
                List.of("connect", "--bogus", "ws://x"), List.of("bench", "--help"), List.of("bench", "--bogus"),
                List.of("nope"), List.of("serves"));
        for (List<String> c : cases) {
            String[] args = c.toArray(String[]::new);
            Outcome full = run(Duplex.withShortUsageErrors(new CommandLine(new Duplex())), args);
            Outcome lean = run(Duplex.commandLineFor(args), args);
            assertEquals(full, lean, () -> "duplex " + String.join(" ", c));
        }
        assertEquals(0, run(Duplex.commandLineFor("serve", "--help"), "serve", "--help").code());
        Outcome usage = run(Duplex.commandLineFor("serve", "--help"), "serve", "--help");
        assertTrue(usage.out().startsWith("Usage: duplex serve "), usage.out());
        assertEquals(0, run(Duplex.commandLineFor("connect", "--help"), "connect", "--help").code());
        assertEquals(0, run(Duplex.commandLineFor("bench", "--help"), "bench", "--help").code());
        assertEquals(2, run(Duplex.commandLineFor("serve", "--bogus"), "serve", "--bogus").code());
        assertEquals(2, run(Duplex.commandLineFor("nope"), "nope").code());
    }

    @Test
    void aUsageErrorIsTheErrorAndAPointerToHelpNotTheWholeHelp() {
        Outcome serve = run(Duplex.commandLineFor("serve", "--bogus"), "serve", "--bogus");
        assertEquals(2, serve.code());
        assertEquals("duplex serve: Unknown option: '--bogus'\nsee 'duplex serve --help'\n",
                serve.err().replace("\r\n", "\n"));
        assertEquals("", serve.out());
        Outcome connect = run(Duplex.commandLineFor("connect"), "connect");
        assertEquals(2, connect.code());
        assertEquals(List.of("duplex connect: Missing required parameter: 'URL'", "see 'duplex connect --help'"),
                connect.err().lines().toList());
        Outcome bench = run(Duplex.commandLineFor("bench", "--mode", "x", "ws://h/"), "bench", "--mode", "x",
                "ws://h/");
        assertEquals(2, bench.code());
        assertEquals(2, bench.err().lines().count(), bench.err());
        Outcome top = run(Duplex.commandLineFor("nope"), "nope");
        assertEquals(2, top.code());
        assertTrue(top.err().endsWith("see 'duplex --help'\n"), top.err());
    }

    /** Every line of every help fits 80 columns, and wrapped lines of the footers are indented. */
    @Test
    void helpLinesFitAndWrapIndented() {
        for (String command : List.of("serve", "connect", "bench")) {
            String help = run(Duplex.commandLineFor(command, "--help"), command, "--help").out();
            for (String line : help.lines().toList()) {
                assertTrue(line.length() <= 80, () -> command + ": too long: " + line);
            }
            String footer = help.substring(help.indexOf("Exit codes:"));
            for (String line : footer.lines().toList()) {
                assertTrue(line.isEmpty() || line.startsWith("  ") || line.endsWith(":") || line.startsWith("Docs:")
                        || line.startsWith("Environment:"), () -> command + ": starts at column 0: " + line);
            }
            assertTrue(footer.contains("  2  usage error"), command);
        }
        String bench = run(Duplex.commandLineFor("bench", "--help"), "bench", "--help").out();
        assertTrue(!bench.contains("=<"), "bench labels its values (N, TIME...), not <fieldName>:\n" + bench);
        String top = run(Duplex.commandLineFor("--help"), "--help").out();
        for (String summary : List.of("  serve    Serve ", "  connect  Connect ", "  bench    Load-test ")) {
            assertTrue(top.contains(summary), () -> "imperative summary '" + summary + "' in\n" + top);
        }
    }

    @Test
    void mainExitsWithTheCommandsCode() throws Exception {
        assertEquals(0, exitOfMain("serve", "--help"));
        assertEquals(2, exitOfMain("serve", "--bogus"));
        assertEquals(2, exitOfMain("nope"));
    }

    private static int exitOfMain(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp",
                System.getProperty("java.class.path"), Duplex.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "duplex " + String.join(" ", args) + " did not end");
        return p.exitValue();
    }
}
