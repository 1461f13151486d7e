package dev.duplex.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Renders the server's plain HTTP answers (static files, 404, 426 and the like): status line,
 * {@code Connection: close}, Content-Type, Content-Length, then the body unless the request was HEAD.
 */
final class HttpResponseWriter {
    private HttpResponseWriter() {
    }

    /** The head of a response whose body of {@code length} bytes follows (or is left out for HEAD). */
    static ByteBuffer head(int status, String reason, String contentType, long length, String... extraHeaders) {
        StringBuilder sb = new StringBuilder(160)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n")
                .append("Connection: close\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(length).append("\r\n");
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            sb.append(extraHeaders[i]).append(": ").append(extraHeaders[i + 1]).append("\r\n");
        }
        sb.append("\r\n");
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A complete text/plain answer. */
    static ByteBuffer[] text(int status, String reason, String body, boolean head) {
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer h = head(status, reason, "text/plain; charset=utf-8", bytes.length);
        return head ? new ByteBuffer[] {h} : new ByteBuffer[] {h, ByteBuffer.wrap(bytes)};
    }
}
