package dev.duplex.app.connect;

import dev.duplex.net.MessageEvent;

/**
 * Turns a received message into the text {@code duplex connect} prints: text as it came (or re-indented with
 * {@code --pretty} when it is JSON), binary in the chosen {@link BinaryFormat}. For a terminal, binary messages
 * are labelled and control characters in text are shown as {@code \xNN}, so a server cannot send escape
 * sequences to the terminal. Thread-safe.
 */
final class MessageRenderer {
    private final boolean pretty;
    private final BinaryFormat binaryFormat;
    private final boolean forTerminal;

    MessageRenderer(boolean pretty, BinaryFormat binaryFormat, boolean forTerminal) {
        this.pretty = pretty;
        this.binaryFormat = binaryFormat;
        this.forTerminal = forTerminal;
    }

    String render(MessageEvent message) {
        if (!message.isText()) {
            byte[] data = message.bytes();
            String formatted = binaryFormat.format(data);
            return forTerminal ? "(binary, " + data.length + " bytes) " + formatted : formatted;
        }
        String text = message.text();
        if (pretty) {
            text = JsonPrettyPrinter.format(text).orElse(text);
        }
        return forTerminal ? visibleControls(text) : text;
    }

    private static String visibleControls(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
            if (control && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (control) {
                    sb.append(String.format("\\x%02x", (int) c));
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }
}
