package dev.duplex.core.handshake;

import java.nio.ByteBuffer;

/**
 * Incremental parser of an HTTP/1.x request head (RFC 7230 section 3), for the server side of the
 * opening handshake.
 *
 * <p>Call {@link #feed(ByteBuffer)} with bytes as they arrive. It consumes bytes up to and including
 * the empty line that ends the head and <em>never beyond it</em>: bytes after the head (for example
 * WebSocket frames a client sent early) stay in the buffer at its position. It returns the request
 * once complete and null while more bytes are needed; after completion it returns the same request
 * without consuming anything.
 *
 * <p>Limits: the whole head (request line, fields and line endings) may be at most
 * {@code maxHeadBytes} bytes and contain at most {@code maxHeaderFields} fields. Crossing a limit
 * throws {@link HandshakeException} 431 at once, or 414 while still inside the request line; the
 * byte that would cross is not consumed, and the parser never holds more than {@code maxHeadBytes}
 * bytes (it keeps only the current line). Lines end with CRLF, or leniently a bare LF. Obsolete line
 * folding, whitespace before a field's colon, invalid name characters, control characters in values
 * and malformed request lines are rejected with 400. Field values are OWS-trimmed and decoded as
 * ISO-8859-1. HTTP versions other than 1.1 are parsed; {@link ServerHandshake#validate} judges them.
 *
 * <p>Not thread-safe; one instance per connection and request. After a {@link HandshakeException}
 * the parser is unusable: further calls throw {@link IllegalStateException}.
 */
public final class RequestParser {

    /** Default limit of the head size in bytes: 8 KiB. */
    public static final int DEFAULT_MAX_HEAD_BYTES = 8 * 1024;
    /** Default limit of the number of header fields. */
    public static final int DEFAULT_MAX_HEADER_FIELDS = 100;

    private final HeadReader reader;
    private String method;
    private String target;
    private String version;
    private HttpRequest request;

    /** A parser with the default limits (8 KiB, 100 fields). */
    public RequestParser() {
        this(DEFAULT_MAX_HEAD_BYTES, DEFAULT_MAX_HEADER_FIELDS);
    }

    /**
     * @param maxHeadBytes    the largest accepted head in bytes, line endings included (at least 1)
     * @param maxHeaderFields the most header fields accepted (at least 0)
     * @throws IllegalArgumentException if a limit is out of range
     */
    public RequestParser(int maxHeadBytes, int maxHeaderFields) {
        this.reader = new HeadReader(maxHeadBytes, maxHeaderFields, HeadReader.REQUEST, this::onRequestLine);
    }

    /**
     * Consumes bytes of the request head from {@code in}, advancing its position.
     *
     * @return the request once the head is complete, or null when more bytes are needed
     * @throws HandshakeException    if the head is malformed (400) or too large (414, 431)
     * @throws IllegalStateException if an earlier call threw
     */
    public HttpRequest feed(ByteBuffer in) {
        if (request != null) {
            return request;
        }
        if (!reader.feed(in)) {
            return null;
        }
        request = new HttpRequest(method, target, version, reader.headers());
        return request;
    }

    /** True once {@link #feed} has returned the request. */
    public boolean isComplete() {
        return request != null;
    }

    /** The most bytes the parser holds at once (for tests of the memory bound). */
    int bufferCapacity() {
        return reader.bufferCapacity();
    }

    /** {@code request-line = method SP request-target SP HTTP-version}. */
    private void onRequestLine(String line) {
        int firstSpace = line.indexOf(' ');
        int secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
        if (secondSpace < 0 || line.indexOf(' ', secondSpace + 1) >= 0) {
            throw malformed("expected \"METHOD target HTTP/1.1\" separated by single spaces", line);
        }
        String m = line.substring(0, firstSpace);
        String t = line.substring(firstSpace + 1, secondSpace);
        String v = line.substring(secondSpace + 1);
        if (!HttpSyntax.isToken(m)) {
            throw malformed("the method is not a token", line);
        }
        if (!HttpRequest.isValidTarget(t)) {
            throw malformed("the request target is empty or has characters other than visible ASCII", line);
        }
        if (!HttpSyntax.isHttpVersion(v)) {
            throw malformed("the HTTP version is not of the form HTTP/<digit>.<digit>", line);
        }
        method = m;
        target = t;
        version = v;
    }

    private static HandshakeException malformed(String what, String line) {
        return new HandshakeException(400, "malformed request line (" + what + "): " + HttpSyntax.quote(line));
    }
}
