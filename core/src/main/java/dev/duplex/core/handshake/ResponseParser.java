package dev.duplex.core.handshake;

import java.nio.ByteBuffer;

/**
 * Incremental parser of an HTTP/1.x response head (RFC 7230 section 3), for the client side of the
 * opening handshake, e.g. {@code HTTP/1.1 101 Switching Protocols} and its header fields.
 *
 * <p>Same contract as {@link RequestParser}: {@link #feed(ByteBuffer)} consumes bytes up to and
 * including the empty line that ends the head and never beyond (WebSocket frames the server sent
 * right after the 101, or the body of an error response, stay in the buffer); it returns the
 * response once complete, null while more bytes are needed. The same limits apply
 * ({@code maxHeadBytes}, default 8 KiB, and {@code maxHeaderFields}, default 100), crossed without
 * buffering more, and the same field grammar. The status line is
 * {@code HTTP-version SP 3DIGIT [SP reason-phrase]} (a missing reason is tolerated).
 *
 * <p>Every failure is a {@link HandshakeException} with status
 * {@value HandshakeException#CLIENT_SIDE_STATUS}; the message tells malformed from too large. Not
 * thread-safe; after a failure further calls throw {@link IllegalStateException}.
 */
public final class ResponseParser {

    private final HeadReader reader;
    private String version;
    private int status;
    private String reason;
    private HttpResponse response;

    /** A parser with the default limits (8 KiB, 100 fields). */
    public ResponseParser() {
        this(RequestParser.DEFAULT_MAX_HEAD_BYTES, RequestParser.DEFAULT_MAX_HEADER_FIELDS);
    }

    /**
     * @param maxHeadBytes    the largest accepted head in bytes, line endings included (at least 1)
     * @param maxHeaderFields the most header fields accepted (at least 0)
     * @throws IllegalArgumentException if a limit is out of range
     */
    public ResponseParser(int maxHeadBytes, int maxHeaderFields) {
        this.reader = new HeadReader(maxHeadBytes, maxHeaderFields, HeadReader.RESPONSE, this::onStatusLine);
    }

    /**
     * Consumes bytes of the response head from {@code in}, advancing its position.
     *
     * @return the response once the head is complete, or null when more bytes are needed
     * @throws HandshakeException    (status 502) if the head is malformed or too large
     * @throws IllegalStateException if an earlier call threw
     */
    public HttpResponse feed(ByteBuffer in) {
        if (response != null) {
            return response;
        }
        if (!reader.feed(in)) {
            return null;
        }
        response = new HttpResponse(version, status, reason, reader.headers());
        return response;
    }

    /** True once {@link #feed} has returned the response. */
    public boolean isComplete() {
        return response != null;
    }

    /** The most bytes the parser holds at once (for tests of the memory bound). */
    int bufferCapacity() {
        return reader.bufferCapacity();
    }

    private void onStatusLine(String line) {
        int firstSpace = line.indexOf(' ');
        String v = firstSpace < 0 ? line : line.substring(0, firstSpace);
        if (!HttpSyntax.isHttpVersion(v)) {
            throw malformed("the HTTP version is not of the form HTTP/<digit>.<digit>", line);
        }
        String rest = firstSpace < 0 ? "" : line.substring(firstSpace + 1);
        if (rest.length() < 3 || (rest.length() > 3 && rest.charAt(3) != ' ')) {
            throw malformed("expected a three-digit status code after the version", line);
        }
        for (int i = 0; i < 3; i++) {
            if (!HttpSyntax.isDigit(rest.charAt(i))) {
                throw malformed("expected a three-digit status code after the version", line);
            }
        }
        int code = Integer.parseInt(rest.substring(0, 3));
        if (code < 100) {
            throw malformed("the status code is below 100", line);
        }
        String r = rest.length() > 4 ? rest.substring(4) : "";
        for (int i = 0; i < r.length(); i++) {
            if (!HttpSyntax.isFieldValueChar(r.charAt(i))) {
                throw malformed("control character in the reason phrase", line);
            }
        }
        version = v;
        status = code;
        reason = r;
    }

    private static HandshakeException malformed(String what, String line) {
        return new HandshakeException(HandshakeException.CLIENT_SIDE_STATUS,
                "malformed status line in the server's response (" + what + "): " + HttpSyntax.quote(line));
    }
}
