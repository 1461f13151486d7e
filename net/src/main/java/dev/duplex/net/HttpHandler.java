package dev.duplex.net;

import dev.duplex.core.handshake.HttpRequest;

/**
 * Answers plain HTTP requests to one path of a {@link WebSocketServer}, e.g. a health check or a metrics page.
 *
 * <pre>{@code
 * WebSocketServer.builder().http("/healthz", request -> HttpReply.text(200, "ok"))
 * }</pre>
 *
 * <p><b>Threading:</b> called on an event loop, so it must return quickly and never block; it may be called from
 * several loops at once. <b>Errors:</b> an exception becomes a 500 answer and goes to the server's error handler.
 * Every reply closes the connection ({@code Connection: close}); HEAD requests get the head only.
 */
@FunctionalInterface
public interface HttpHandler {

    /**
     * @param request the parsed request (GET, HEAD or any other method: check {@link HttpRequest#method()})
     * @return the reply; never null
     */
    HttpReply handle(HttpRequest request);
}
