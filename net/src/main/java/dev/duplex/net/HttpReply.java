package dev.duplex.net;

import dev.duplex.core.handshake.ReasonPhrases;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link HttpHandler} answers: a status, a content type, a body and optional extra headers. Immutable and
 * thread-safe; {@link #withHeader} returns a copy. The server adds {@code Content-Length} and {@code Connection}
 * itself. A 204 or 304 reply goes out without a body or Content-Length.
 */
public final class HttpReply {
    private final int status;
    private final String contentType;
    private final byte[] body;
    private final List<String> headers;

    private HttpReply(int status, String contentType, byte[] body, List<String> headers) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("an HTTP handler answers with a status from 200 to 599, not " + status);
        }
        checkToken(contentType, "content type");
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.headers = List.copyOf(headers);
    }

    /** A reply with the given bytes; the array is not copied, so do not change it afterwards. */
    public static HttpReply of(int status, String contentType, byte[] body) {
        return new HttpReply(status, Objects.requireNonNull(contentType), Objects.requireNonNull(body), List.of());
    }

    /** A {@code text/plain; charset=utf-8} reply. */
    public static HttpReply text(int status, String body) {
        return of(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    /** An {@code application/json} reply; {@code json} is sent as is (not validated). */
    public static HttpReply json(int status, String json) {
        return of(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A copy with one more header, e.g. {@code Cache-Control: no-store}.
     *
     * @throws IllegalArgumentException if the name is not an HTTP token, the value has control characters, or the
     *                                  name is one the server sets itself (Content-Length, Connection)
     */
    public HttpReply withHeader(String name, String value) {
        if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            throw new IllegalArgumentException("not a header name: " + name);
        }
        if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Connection")
                || name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Transfer-Encoding")) {
            throw new IllegalArgumentException(name + " is set by the server");
        }
        checkToken(value, name);
        List<String> more = new ArrayList<>(headers);
        more.add(name);
        more.add(value);
        return new HttpReply(status, contentType, body, more);
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    /** The body bytes (shared, not a copy). */
    byte[] body() {
        return body;
    }

    /**
     * The bytes on the wire: head, then the body unless {@code headOnly} or the status has none (204, 304).
     * {@code keepAlive}: whether the connection stays open after this reply.
     */
    java.nio.ByteBuffer[] render(boolean headOnly, boolean keepAlive) {
        boolean bodiless = status == 204 || status == 304;
        java.nio.ByteBuffer head = HttpResponseWriter.head(status, ReasonPhrases.of(status),
                bodiless ? null : contentType, bodiless ? -1 : body.length, keepAlive, headers.toArray(new String[0]));
        return headOnly || bodiless ? new java.nio.ByteBuffer[] {head}
                : new java.nio.ByteBuffer[] {head, java.nio.ByteBuffer.wrap(body)};
    }

    /**
     * The head of a streamed answer: this reply's status, type and headers, then {@code Transfer-Encoding: chunked}
     * when {@code chunked}, else no length (the stream ends with the connection).
     */
    java.nio.ByteBuffer renderStreamHead(boolean keepAlive, boolean chunked) {
        String[] extra = headers.toArray(new String[headers.size() + 2]);
        if (chunked) {
            extra[headers.size()] = "Transfer-Encoding";
            extra[headers.size() + 1] = "chunked";
        }
        return HttpResponseWriter.head(status, ReasonPhrases.of(status), contentType, -1, keepAlive, extra);
    }

    private static void checkToken(String value, String what) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("the " + what + " has a character HTTP does not allow: " + value);
            }
        }
    }

    @Override
    public String toString() {
        return "HttpReply[" + status + " " + contentType + ", " + body.length + " bytes]";
    }
}
