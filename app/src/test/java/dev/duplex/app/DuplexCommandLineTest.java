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
            Outcome full = run(new CommandLine(new Duplex()), args);
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
