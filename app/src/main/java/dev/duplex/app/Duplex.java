package dev.duplex.app;

import dev.duplex.app.bench.BenchCommand;
import dev.duplex.app.connect.ConnectCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;

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
            return withShortUsageErrors(new CommandLine(new Duplex()));
        }
        return withShortUsageErrors(new CommandLine(CommandSpec.create().name("duplex"))
                .addSubcommand(args[0], only.get()));
    }

    /** Sets {@link #SHORT_USAGE_ERRORS} on {@code cli} (and so on its subcommands); returns {@code cli}. */
    static CommandLine withShortUsageErrors(CommandLine cli) {
        return cli.setParameterExceptionHandler(SHORT_USAGE_ERRORS);
    }

    /**
     * A usage error prints two lines on stderr instead of the whole help under the error:
     * {@code duplex serve: --port 99999 is not a port (0 to 65535)} and {@code see 'duplex serve --help'}
     * (with picocli's "did you mean" suggestions in between for a mistyped option), and exits with the
     * command's usage code, 2.
     */
    static final IParameterExceptionHandler SHORT_USAGE_ERRORS = (ParameterException e, String[] args) -> {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(cmd.getColorScheme().errorText(name + ": " + e.getMessage()));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("see '" + name + " --help'");
        err.flush();
        return cmd.getExitCodeExceptionMapper() != null ? cmd.getExitCodeExceptionMapper().getExitCode(e)
                : cmd.getCommandSpec().exitCodeOnInvalidInput();
    };

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
