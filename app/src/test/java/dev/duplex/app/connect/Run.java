package dev.duplex.app.connect;

import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One in-process run of {@code duplex connect}: its exit code, standard output and standard error. */
record Run(int exitCode, String out, String err) {

    /** Runs the command to its end, with {@code stdin} as standard input. */
    static Run of(InputStream stdin, boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new ConnectCommand(stdin, terminal));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs with these lines as standard input, not at a terminal. */
    static Run piped(String stdin, String... args) {
        return of(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false, args);
    }

    List<String> outLines() {
        return out.lines().toList();
    }

    boolean hasAnsi() {
        return out.indexOf('\u001b') >= 0 || err.indexOf('\u001b') >= 0;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
}
