package dev.duplex.net;

import dev.duplex.core.handshake.HeaderField;
import dev.duplex.core.handshake.HttpRequest;
import dev.duplex.core.handshake.RequestParser;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An upgrade request kept for the life of a session as its head's bytes (one array, ~200 bytes for a typical
 * client) instead of a tree of strings, lists and maps (~1.5 KiB). {@link #expand()} parses it again on demand;
 * header values are ISO-8859-1, so the round trip is exact. Immutable and thread-safe.
 */
final class CompactRequest {
    private final byte[] head;

    CompactRequest(HttpRequest request) {
        StringBuilder sb = new StringBuilder(256)
                .append(request.method()).append(' ').append(request.target()).append(' ')
                .append(request.httpVersion()).append("\r\n");
        for (HeaderField field : request.headers()) {
            sb.append(field.name()).append(": ").append(field.value()).append("\r\n");
        }
        this.head = sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The request again; a new, equal object on every call. */
    HttpRequest expand() {
        HttpRequest request = new RequestParser(head.length, Integer.MAX_VALUE).feed(ByteBuffer.wrap(head));
        if (request == null) {
            throw new IllegalStateException("a stored request head did not parse again");
        }
        return request;
    }
}
