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
 * The connection stays open for the client's next request unless the request asked to close (see
 * {@link WebSocketServer.Builder#httpKeepAlive}); HEAD requests get the head only. A handler that has to block
 * (disk, network) must not run here: hand the work to another thread and answer from a cache or with 503.
 */
@FunctionalInterface
public interface HttpHandler {

    /**
     * @param request the parsed request (GET, HEAD or any other method: check {@link HttpRequest#method()})
     * @return the reply; never null
     */
    HttpReply handle(HttpRequest request);
}
