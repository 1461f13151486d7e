package dev.duplex.app;

import dev.duplex.app.bench.BenchCommand;
import dev.duplex.app.connect.ConnectCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code duplex} command: {@code duplex serve}, with more subcommands to come. */
@Command(name = "duplex", mixinStandardHelpOptions = true, version = "duplex 0.1.0",
        description = "A WebSocket toolkit for Java: server, client and tools.",
        subcommands = {ServeCommand.class, ConnectCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Duplex implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Duplex()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
