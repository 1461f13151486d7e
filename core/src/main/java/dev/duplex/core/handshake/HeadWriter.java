package dev.duplex.core.handshake;

import java.nio.charset.StandardCharsets;

/**
 * Renders an HTTP/1.1 message head (and an optional body) to bytes. Header names and values must
 * already be valid ({@link HeaderField} guarantees it), so the output cannot be split by injected
 * line breaks. Not thread-safe; one instance per message.
 */
final class HeadWriter {

    private final StringBuilder head = new StringBuilder(256);

    HeadWriter(String startLine) {
        head.append(startLine).append("\r\n");
    }

    HeadWriter header(String name, String value) {
        HeaderField field = new HeaderField(name, value);
        head.append(field.name()).append(": ").append(field.value()).append("\r\n");
        return this;
    }

    HeadWriter headers(HttpHeaders headers) {
        for (HeaderField field : headers) {
            head.append(field.name()).append(": ").append(field.value()).append("\r\n");
        }
        return this;
    }

    /** The head with its final empty line. Characters are at most U+00FF, written as ISO-8859-1. */
    byte[] finish() {
        return finish(new byte[0]);
    }

    /** The head with its final empty line, followed by {@code body}. */
    byte[] finish(byte[] body) {
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(body, 0, out, headBytes.length, body.length);
        return out;
    }
}
