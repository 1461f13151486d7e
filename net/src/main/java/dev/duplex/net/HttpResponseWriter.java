package dev.duplex.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Renders the server's plain HTTP answers (static files, 404, 426 and the like): status line, {@code Connection}
 * ({@code keep-alive} when the connection stays open for another request, else {@code close}), Content-Type,
 * Content-Length, then the body unless the request was HEAD.
 */
final class HttpResponseWriter {
    private HttpResponseWriter() {
    }

    /** The head of a response whose body of {@code length} bytes follows (or is left out for HEAD). */
    static ByteBuffer head(int status, String reason, String contentType, long length, boolean keepAlive,
                           String... extraHeaders) {
        StringBuilder sb = new StringBuilder(200)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n")
                .append(keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
        if (contentType != null) {
            sb.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (length >= 0) {
            sb.append("Content-Length: ").append(length).append("\r\n");
        }
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            sb.append(extraHeaders[i]).append(": ").append(extraHeaders[i + 1]).append("\r\n");
        }
        sb.append("\r\n");
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A complete text/plain answer. */
    static ByteBuffer[] text(int status, String reason, String body, boolean head, boolean keepAlive) {
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer h = head(status, reason, "text/plain; charset=utf-8", bytes.length, keepAlive);
        return head ? new ByteBuffer[] {h} : new ByteBuffer[] {h, ByteBuffer.wrap(bytes)};
    }
}
