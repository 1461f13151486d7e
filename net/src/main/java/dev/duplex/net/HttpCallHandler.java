package dev.duplex.net;

/**
 * Answers plain HTTP requests to one path whose answer comes later or as a stream: a long poll held until data
 * arrives, a Server-Sent Events stream, a request whose answer needs another thread. Registered with
 * {@link WebSocketServer.Builder#httpCalls}; the request body, if any, is read (up to the route's limit) before
 * the handler is called.
 *
 * <pre>{@code
 * WebSocketServer.builder().httpCalls("/events", 0, Duration.ofSeconds(30), call -> {
 *     call.startStream(HttpReply.of(200, "text/event-stream", new byte[0]));
 *     feed.subscribe(text -> call.send("data: " + text + "\n\n"));   // from any thread
 *     call.onFinish(feed::unsubscribe);                              // peer gone, stream ended, server stopping
 * })
 * }</pre>
 *
 * <p><b>Threading:</b> called on an event loop, so it must return quickly and never block; it may be called from
 * several loops at once. It may answer at once or keep the {@link HttpCall} and answer from any thread later.
 * <b>Errors:</b> an exception before the call was answered becomes a 500 answer and goes to the server's error
 * handler.
 */
@FunctionalInterface
public interface HttpCallHandler {

    /** @param call the request, its body and the means to answer it; answer it exactly once (or let it time out) */
    void handle(HttpCall call);
}
