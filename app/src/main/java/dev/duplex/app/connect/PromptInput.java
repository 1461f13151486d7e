package dev.duplex.app.connect;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * One line typed at the {@code duplex connect} prompt or read from its standard input: a message to send or a
 * command. Lines starting with {@code /} are commands; {@code //} sends the rest of the line, from its second
 * slash, as text.
 */
sealed interface PromptInput {

    /** The commands, as printed by {@code /help} and {@code --help}. */
    String HELP = ""
            + "  /ping [text]              send a ping, print the round-trip time%n"
            + "  /close [code [reason]]    start the close handshake (default 1000), then exit%n"
            + "  /binary HEX               send a binary message, e.g. /binary 01 02 ff%n"
            + "  /quit                     close with 1000 and exit (also end of input, Ctrl-D)%n"
            + "  /help                     list these commands%n"
            + "  //text                    send \"/text\" (a message that starts with a slash)";

    record Text(String text) implements PromptInput {
    }

    record Binary(byte[] data) implements PromptInput {
    }

    record Ping(byte[] payload) implements PromptInput {
    }

    record Close(int code, String reason) implements PromptInput {
    }

    record Quit() implements PromptInput {
    }

    record Help() implements PromptInput {
    }

    /** A line that could not be understood; nothing is sent. */
    record Invalid(String problem) implements PromptInput {
    }

    /** Reads one line (without its line terminator). */
    static PromptInput parse(String line) {
        if (!line.startsWith("/")) {
            return new Text(line);
        }
        if (line.startsWith("//")) {
            return new Text(line.substring(1));
        }
        String[] words = line.split(" ", 2);
        String rest = words.length > 1 ? words[1].strip() : "";
        switch (words[0]) {
            case "/ping":
                byte[] payload = rest.getBytes(StandardCharsets.UTF_8);
                return payload.length > 125 ? new Invalid("a ping payload is at most 125 bytes") : new Ping(payload);
            case "/close":
                return close(rest);
            case "/binary":
                try {
                    return new Binary(HexFormat.of().parseHex(rest.replaceAll("\\s+", "")));
                } catch (IllegalArgumentException e) {
                    return new Invalid("/binary takes hex digits, e.g. /binary 01 02 ff (" + e.getMessage() + ")");
                }
            case "/quit":
                return new Quit();
            case "/help":
                return new Help();
            default:
                return new Invalid("unknown command " + words[0]
                        + " (/help lists the commands; start a line with // to send text that begins with /)");
        }
    }

    private static PromptInput close(String rest) {
        if (rest.isEmpty()) {
            return new Close(1000, "");
        }
        String[] codeAndReason = rest.split(" ", 2);
        int code;
        try {
            code = Integer.parseInt(codeAndReason[0]);
        } catch (NumberFormatException e) {
            return new Invalid("/close takes a close code first, e.g. /close 4000 done");
        }
        if (code != 1000 && (code < 3000 || code > 4999)) {
            return new Invalid("a client may close with 1000 or 3000-4999, not " + code);
        }
        String reason = codeAndReason.length > 1 ? codeAndReason[1] : "";
        if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
            return new Invalid("a close reason is at most 123 bytes of UTF-8");
        }
        return new Close(code, reason);
    }
}
