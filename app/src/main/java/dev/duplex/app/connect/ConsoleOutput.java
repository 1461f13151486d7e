package dev.duplex.app.connect;

import java.io.PrintWriter;

/**
 * Where {@code duplex connect} writes. Thread-safe: lines from the event thread and the input thread never mix.
 *
 * <p><b>Interactive</b> (standard input and output are a terminal): a {@code > } prompt, received messages
 * marked {@code < }, status lines on standard output, and the prompt drawn again after each line. Otherwise
 * (<b>scripts</b>): received messages as they are, one per line, on standard output and nothing else there;
 * status lines go to standard error. ANSI colours only when {@code colour} is set (a terminal that is not
 * {@code TERM=dumb}, without {@code --no-color}); errors go to standard error, never coloured.
 */
final class ConsoleOutput {
    private static final String RESET = "\u001b[0m";
    private static final String GREEN = "\u001b[32m";
    private static final String CYAN = "\u001b[36m";
    private static final String CLEAR_LINE = "\r\u001b[2K";
    private static final String PROMPT = "> ";

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean interactive;
    private final boolean colour;
    private boolean promptShown;

    ConsoleOutput(PrintWriter out, PrintWriter err, boolean interactive, boolean colour) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
        this.colour = colour;
    }

    boolean interactive() {
        return interactive;
    }

    /** A received message, already rendered (it may span several lines). */
    synchronized void received(String rendered) {
        if (!interactive) {
            out.println(rendered);
            out.flush();
            return;
        }
        clearPrompt();
        String marked = "< " + rendered.replace("\n", "\n  ");
        out.println(colour ? GREEN + marked + RESET : marked);
        redrawPrompt();
    }

    /** A status line: connected, closed, pong. */
    synchronized void status(String line) {
        if (!interactive) {
            err.println(line);
            err.flush();
            return;
        }
        clearPrompt();
        out.println(colour ? CYAN + line + RESET : line);
        redrawPrompt();
    }

    /** A problem, always on standard error. */
    synchronized void error(String line) {
        if (interactive) {
            clearPrompt();
            out.flush();
        }
        err.println("duplex connect: " + line);
        err.flush();
        if (interactive) {
            redrawPrompt();
        }
    }

    /** Shows the prompt (interactive only), e.g. after the user pressed Enter. */
    synchronized void prompt() {
        if (interactive) {
            out.print(PROMPT);
            out.flush();
            promptShown = true;
        }
    }

    /** The user pressed Enter: the terminal moved to a new line, the prompt is gone. */
    synchronized void lineEntered() {
        promptShown = false;
    }

    /** No more prompts: the session is ending. */
    synchronized void endPrompt() {
        if (promptShown) {
            out.println();
            out.flush();
            promptShown = false;
        }
    }

    private void clearPrompt() {
        if (promptShown) {
            out.print(colour ? CLEAR_LINE : "\r");
        }
    }

    private void redrawPrompt() {
        if (promptShown) {
            out.print(PROMPT);
        }
        out.flush();
    }
}
