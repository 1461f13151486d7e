package dev.duplex.app;

import dev.duplex.core.handshake.HttpRequest;
import dev.duplex.net.HttpHandler;
import dev.duplex.net.HttpReply;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves one classpath resource at one path (e.g. {@code /duplex.js} next to a user's {@code --static} directory).
 * The bytes are read once, when built. Immutable and thread-safe.
 */
final class ClasspathFile implements HttpHandler {
    private final String contentType;
    private final byte[] bytes;

    /** @throws UncheckedIOException if the resource is missing or unreadable */
    ClasspathFile(String resource, String contentType) {
        this.contentType = contentType;
        try (InputStream in = ClasspathFile.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing resource " + resource);
            }
            this.bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public HttpReply handle(HttpRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return HttpReply.text(405, "GET only").withHeader("Allow", "GET, HEAD");
        }
        return HttpReply.of(200, contentType, bytes).withHeader("X-Content-Type-Options", "nosniff");
    }
}
