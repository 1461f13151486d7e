package dev.duplex.core.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The shared, incremental reader of an HTTP/1.x message head: a start line, header fields, and the
 * empty line that ends the head. Consumes input bytes one line at a time up to and including the
 * final line feed and never beyond; lines end with CRLF or (leniently) a bare LF. Empty lines before
 * the start line are skipped (RFC 7230 3.5) but count toward the size limit.
 *
 * <p>Only the current line is kept, in an array that grows up to {@code maxHeadBytes} and no further.
 * The size limit covers every byte of the head including line endings; a byte that would cross it is
 * left unread in the input and the reader fails. Once failed, the reader refuses more input. Not
 * thread-safe.
 */
final class HeadReader {

    /** The HTTP statuses and wording of one side's failures. */
    record Policy(String startLineName, int malformedStatus, int startLineTooLongStatus, int tooLargeStatus) {}

    static final Policy REQUEST = new Policy("request line", 400, 414, 431);
    static final Policy RESPONSE = new Policy("status line",
            HandshakeException.CLIENT_SIDE_STATUS, HandshakeException.CLIENT_SIDE_STATUS,
            HandshakeException.CLIENT_SIDE_STATUS);

    private static final int INITIAL_LINE_CAPACITY = 256;

    private final int maxHeadBytes;
    private final int maxFields;
    private final Policy policy;
    private final Consumer<String> startLineHandler;
    private final HttpHeaders.Builder headers = HttpHeaders.builder();

    private byte[] line;
    private int lineLength;
    private int consumed;
    private int fieldCount;
    private boolean startLineSeen;
    private boolean complete;
    private boolean failed;

    HeadReader(int maxHeadBytes, int maxFields, Policy policy, Consumer<String> startLineHandler) {
        if (maxHeadBytes < 1) {
            throw new IllegalArgumentException("maxHeadBytes must be positive: " + maxHeadBytes);
        }
        if (maxFields < 0) {
            throw new IllegalArgumentException("maxHeaderFields must not be negative: " + maxFields);
        }
        this.maxHeadBytes = maxHeadBytes;
        this.maxFields = maxFields;
        this.policy = policy;
        this.startLineHandler = startLineHandler;
        this.line = new byte[Math.min(INITIAL_LINE_CAPACITY, maxHeadBytes)];
    }

    /**
     * Consumes bytes from {@code in} up to the end of the head.
     *
     * @return true once the head is complete (then nothing more is consumed), false if more bytes are needed
     * @throws HandshakeException    if the head is malformed or crosses a limit
     * @throws IllegalStateException if an earlier call failed
     */
    boolean feed(ByteBuffer in) {
        if (failed) {
            throw new IllegalStateException("the parser already failed; start over with a new one");
        }
        if (complete) {
            return true;
        }
        try {
            while (in.hasRemaining()) {
                if (consumed == maxHeadBytes) {
                    throw tooLarge();
                }
                byte b = in.get();
                consumed++;
                if (b == '\n') {
                    if (endOfLine()) {
                        complete = true;
                        line = null;
                        return true;
                    }
                } else {
                    if (lineLength == 0 && startLineSeen && b != '\r' && fieldCount >= maxFields) {
                        throw tooManyFields();
                    }
                    append(b);
                }
            }
            return false;
        } catch (RuntimeException e) {
            failed = true;
            line = null;
            throw e;
        }
    }

    /** The header fields read so far (all of them once {@link #feed} returned true). */
    HttpHeaders headers() {
        return headers.build();
    }

    /** The capacity of the line buffer: the most bytes this reader holds at once. */
    int bufferCapacity() {
        return line == null ? 0 : line.length;
    }

    /** Bytes consumed from the input so far. */
    int consumed() {
        return consumed;
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            byte[] bigger = new byte[(int) Math.min((long) line.length * 2, maxHeadBytes)];
            System.arraycopy(line, 0, bigger, 0, lineLength);
            line = bigger;
        }
        line[lineLength++] = b;
    }

    /** Handles a complete line; returns true when it was the empty line ending the head. */
    private boolean endOfLine() {
        int length = lineLength;
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        lineLength = 0;
        String text = new String(line, 0, length, StandardCharsets.ISO_8859_1);
        if (!startLineSeen) {
            if (length == 0) {
                return false;
            }
            if (text.indexOf('\r') >= 0) {
                throw malformed("bare CR in the " + policy.startLineName());
            }
            startLineSeen = true;
            startLineHandler.accept(text);
            return false;
        }
        if (length == 0) {
            return true;
        }
        parseField(text);
        return false;
    }

    private void parseField(String text) {
        if (HttpSyntax.isWhitespace(text.charAt(0))) {
            throw malformed("obsolete line folding is not allowed (a header line starts with whitespace: "
                    + HttpSyntax.quote(text) + ")");
        }
        if (fieldCount >= maxFields) {
            throw tooManyFields();
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw malformed("header line without a colon: " + HttpSyntax.quote(text));
        }
        String name = text.substring(0, colon);
        if (name.isEmpty()) {
            throw malformed("header line with an empty field name: " + HttpSyntax.quote(text));
        }
        if (HttpSyntax.isWhitespace(name.charAt(name.length() - 1))) {
            throw malformed("whitespace between header field name " + HttpSyntax.quote(HttpSyntax.trimOws(name))
                    + " and the colon is not allowed");
        }
        if (!HttpSyntax.isToken(name)) {
            throw malformed("invalid character in header field name " + HttpSyntax.quote(name));
        }
        String value = HttpSyntax.trimOws(text.substring(colon + 1));
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!HttpSyntax.isFieldValueChar(c)) {
                throw malformed(String.format("invalid character 0x%02X in the value of header %s",
                        (int) c, name));
            }
        }
        fieldCount++;
        headers.add(new HeaderField(name, value));
    }

    private HandshakeException malformed(String message) {
        return new HandshakeException(policy.malformedStatus(), message);
    }

    private HandshakeException tooLarge() {
        if (!startLineSeen) {
            return new HandshakeException(policy.startLineTooLongStatus(),
                    "the " + policy.startLineName() + " is longer than the limit of " + maxHeadBytes + " bytes");
        }
        return new HandshakeException(policy.tooLargeStatus(),
                "the header block is larger than the limit of " + maxHeadBytes + " bytes");
    }

    private HandshakeException tooManyFields() {
        return new HandshakeException(policy.tooLargeStatus(),
                "more than " + maxFields + " header fields");
    }
}
