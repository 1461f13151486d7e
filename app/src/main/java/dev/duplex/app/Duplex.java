package dev.duplex.app;

import dev.duplex.app.bench.BenchCommand;
import dev.duplex.app.connect.ConnectCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Map;
import java.util.function.Supplier;

/** The {@code duplex} command: {@code duplex serve}, {@code duplex connect}, {@code duplex bench}. */
@Command(name = "duplex", mixinStandardHelpOptions = true, version = "duplex 0.1.0",
        description = "A WebSocket toolkit for Java: server, client and tools.",
        subcommands = {ServeCommand.class, ConnectCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Duplex implements Runnable {

    /** The subcommands of the annotation above, by name, for {@link #commandLineFor}. */
    static final Map<String, Supplier<Object>> SUBCOMMANDS = Map.of(
            "serve", ServeCommand::new,
            "connect", ConnectCommand::new,
            "bench", BenchCommand::new);

    public static void main(String[] args) {
        System.exit(commandLineFor(args).execute(args));
    }

    /**
     * The command line that runs {@code args}, behaving as {@code new CommandLine(new Duplex())} does. When the
     * first argument names a subcommand, only that subcommand's model is built: picocli inspects every option of
     * every declared subcommand by reflection, which cost {@code duplex serve} about 100 ms of its start-up. The
     * subcommand's parent is then a bare {@code duplex} command, which only names it in usage lines ("duplex
     * serve"); help, version, {@code help CMD}, unknown commands and no arguments get the full command.
     */
    static CommandLine commandLineFor(String... args) {
        Supplier<Object> only = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
        if (only == null) {
            return new CommandLine(new Duplex());
        }
        return new CommandLine(CommandSpec.create().name("duplex")).addSubcommand(args[0], only.get());
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
