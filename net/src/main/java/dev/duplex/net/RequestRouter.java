package dev.duplex.net;

import dev.duplex.core.handshake.ClientHello;
import dev.duplex.core.handshake.HandshakeException;
import dev.duplex.core.handshake.HttpHeaders;
import dev.duplex.core.handshake.HttpRequest;
import dev.duplex.core.handshake.ServerHandshake;

import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decides what a complete HTTP request gets: a WebSocket upgrade on an endpoint's path, an error status for a
 * bad or refused upgrade (400/403/405/426/505, the accept hook's 4xx), 426 for a plain request to an endpoint,
 * an HTTP handler's reply, or a static file (200, 404, 405) for anything else.
 *
 * <p>Endpoints match a path exactly, or by prefix when registered as {@code /prefix/*}; an exact match wins, then
 * the longest prefix. Thread-safe (immutable); runs on the event loops. Exceptions from user hooks and handlers
 * become 500 and go to {@code failures}.
 */
final class RequestRouter {
    private final Map<String, Route> routes;
    private final List<Route> prefixRoutes;
    private final Map<String, HttpHandler> handlers;
    private final Map<String, HttpCallRoute> calls;
    private final StaticFiles staticFiles;
    private final Consumer<Throwable> failures;

    RequestRouter(Map<String, Route> routes, Map<String, HttpHandler> handlers, StaticFiles staticFiles,
                  Consumer<Throwable> failures) {
        this(routes, handlers, Map.of(), staticFiles, failures);
    }

    RequestRouter(Map<String, Route> routes, Map<String, HttpHandler> handlers, Map<String, HttpCallRoute> calls,
                  StaticFiles staticFiles, Consumer<Throwable> failures) {
        this.calls = Map.copyOf(calls);
        this.routes = Map.copyOf(routes);
        this.prefixRoutes = routes.values().stream().filter(r -> r.path().endsWith("/*"))
                .sorted(Comparator.comparingInt((Route r) -> r.path().length()).reversed()).toList();
        this.handlers = Map.copyOf(handlers);
        this.staticFiles = staticFiles;
        this.failures = failures;
    }

    /** The route for a request path: exact first, then the longest {@code /prefix/*} whose prefix starts the path. */
    Route find(String path) {
        Route exact = routes.get(path);
        if (exact != null && !exact.path().endsWith("/*")) {
            return exact;
        }
        for (Route r : prefixRoutes) {
            String prefix = r.path().substring(0, r.path().length() - 1); // keeps the trailing '/'
            if (path.length() > prefix.length() && path.startsWith(prefix)) {
                return r;
            }
        }
        return null;
    }

    /** What to do with a request. */
    sealed interface Outcome permits Respond, Serve, Upgrade, Call {
    }

    /** An {@link HttpCallHandler}'s request: read its body, then hand it an {@link HttpCall}. */
    record Call(HttpCallRoute route) implements Outcome {
    }

    /** A failure of user code (a call handler or its callbacks): counted and reported. */
    void failed(Throwable e) {
        failures.accept(e);
    }

    /** Send these bytes, then keep the connection for the next request if {@code keepAlive}, else close it. */
    record Respond(int status, ByteBuffer[] bytes, boolean keepAlive) implements Outcome {
    }

    /** A static file: the answer comes later, from the file threads. */
    record Serve(java.util.concurrent.CompletableFuture<StaticReply> reply) implements Outcome {
    }

    /** Switch protocols: send {@code response101}, then run an engine for {@code route}'s endpoint. */
    record Upgrade(Route route, ClientHello hello, String subprotocol, ExtensionNegotiator.Negotiated extensions,
                   Object attachment, byte[] response101) implements Outcome {
    }

    /**
     * @param keepAlive whether the connection may stay open after a plain HTTP answer (error answers close it
     *                  anyway)
     */
    Outcome route(HttpRequest request, boolean keepAlive) {
        Route route = find(request.path());
        if (!ServerHandshake.isUpgradeRequest(request)) {
            if (route != null) {
                return error(426, "this path speaks WebSocket only: send an upgrade request");
            }
            HttpCallRoute call = calls.get(request.path());
            if (call != null) {
                return new Call(call);
            }
            HttpHandler handler = handlers.get(request.path());
            return handler != null ? handle(handler, request, keepAlive) : serveFile(request, keepAlive);
        }
        if (route == null) {
            return error(404, "no WebSocket endpoint at " + request.path());
        }
        try {
            return upgrade(route, request);
        } catch (HandshakeException e) {
            return new Respond(e.httpStatus(), new ByteBuffer[] {ByteBuffer.wrap(ServerHandshake.errorResponse(e))},
                    false);
        }
    }

    private Outcome upgrade(Route route, HttpRequest request) {
        ClientHello hello = ServerHandshake.validate(request);
        EndpointOptions options = route.options();
        if (!options.originAllowed(hello.origin(), request.headers().first("Host"))) {
            return error(403, "origin not allowed");
        }
        Acceptance acceptance;
        String subprotocol;
        ExtensionNegotiator.Negotiated extensions = null;
        try {
            acceptance = options.acceptHook().check(request);
            if (!acceptance.isAccepted()) {
                return error(acceptance.status(), acceptance.body());
            }
            subprotocol = hello.subprotocols().isEmpty() ? null : options.subprotocols().choose(hello.subprotocols());
            extensions = hello.extensionOffers().isEmpty() ? ExtensionNegotiator.Negotiated.NONE
                    : options.extensions().negotiate(hello.extensionOffers());
            byte[] response = ServerHandshake.response101(hello, subprotocol, extensions.response(),
                    HttpHeaders.empty());
            return new Upgrade(route, hello, subprotocol, extensions, acceptance.attachment(), response);
        } catch (RuntimeException e) {
            if (extensions != null) {
                extensions.releaseAll(); // no 101 goes out: nothing else will release them
            }
            failures.accept(e);
            return error(500, "the endpoint's handshake hook failed");
        }
    }

    private Outcome handle(HttpHandler handler, HttpRequest request, boolean keepAlive) {
        HttpReply reply;
        try {
            reply = handler.handle(request);
            if (reply == null) {
                throw new NullPointerException("the HTTP handler for " + request.path() + " returned null");
            }
        } catch (RuntimeException e) {
            failures.accept(e);
            return error(500, "the handler failed");
        }
        return new Respond(reply.status(), reply.render(request.method().equals("HEAD"), keepAlive), keepAlive);
    }

    private Outcome serveFile(HttpRequest request, boolean keepAlive) {
        boolean head = request.method().equals("HEAD");
        if (!head && !request.method().equals("GET")) {
            return new Respond(405, new ByteBuffer[] {ByteBuffer.wrap(ServerHandshake.errorResponse(
                    405, null, HttpHeaders.of("Allow", "GET, HEAD"), "method not allowed"))}, false);
        }
        if (staticFiles == null) {
            return new Respond(404, HttpResponseWriter.text(404, "Not Found", "not found", head, keepAlive),
                    keepAlive);
        }
        return new Serve(staticFiles.serve(request, keepAlive));
    }

    private static Respond error(int status, String body) {
        return new Respond(status, new ByteBuffer[] {
                ByteBuffer.wrap(ServerHandshake.errorResponse(status, null, null, body))}, false);
    }
}
