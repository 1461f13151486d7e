package dev.duplex.net;

import dev.duplex.core.handshake.ClientHello;
import dev.duplex.core.handshake.HandshakeException;
import dev.duplex.core.handshake.HttpHeaders;
import dev.duplex.core.handshake.HttpRequest;
import dev.duplex.core.handshake.ServerHandshake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Decides what a complete HTTP request gets: a WebSocket upgrade on an endpoint's path, an error status for a
 * bad or refused upgrade (400/403/405/426/505, the accept hook's 4xx), 426 for a plain request to an endpoint,
 * or a static file (200, 404, 405) for anything else.
 *
 * <p>Thread-safe (immutable); runs on the event loops. Exceptions from user hooks become 500.
 */
final class RequestRouter {
    private final Map<String, Route> routes;
    private final StaticFiles staticFiles;

    RequestRouter(Map<String, Route> routes, StaticFiles staticFiles) {
        this.routes = Map.copyOf(routes);
        this.staticFiles = staticFiles;
    }

    /** What to do with a request. */
    sealed interface Outcome permits Respond, Upgrade {
    }

    /** Send these bytes, then close the connection. */
    record Respond(int status, ByteBuffer[] bytes) implements Outcome {
    }

    /** Switch protocols: send {@code response101}, then run an engine for {@code route}'s endpoint. */
    record Upgrade(Route route, ClientHello hello, String subprotocol, ExtensionNegotiator.Negotiated extensions,
                   Object attachment, byte[] response101) implements Outcome {
    }

    Outcome route(HttpRequest request) {
        Route route = routes.get(request.path());
        if (!ServerHandshake.isUpgradeRequest(request)) {
            if (route != null) {
                return error(426, "this path speaks WebSocket only: send an upgrade request");
            }
            return serveFile(request);
        }
        if (route == null) {
            return error(404, "no WebSocket endpoint at " + request.path());
        }
        try {
            return upgrade(route, request);
        } catch (HandshakeException e) {
            return new Respond(e.httpStatus(), new ByteBuffer[] {ByteBuffer.wrap(ServerHandshake.errorResponse(e))});
        }
    }

    private Outcome upgrade(Route route, HttpRequest request) {
        ClientHello hello = ServerHandshake.validate(request);
        EndpointOptions options = route.options();
        if (!options.originAllowed(hello.origin())) {
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
            return error(500, "the endpoint's handshake hook failed");
        }
    }

    private Outcome serveFile(HttpRequest request) {
        boolean head = request.method().equals("HEAD");
        if (!head && !request.method().equals("GET")) {
            return new Respond(405, new ByteBuffer[] {ByteBuffer.wrap(ServerHandshake.errorResponse(
                    405, null, HttpHeaders.of("Allow", "GET, HEAD"), "method not allowed"))});
        }
        if (staticFiles == null) {
            return new Respond(404, HttpResponseWriter.text(404, "Not Found", "not found", head));
        }
        StaticFiles.Found found;
        try {
            found = staticFiles.find(request.path());
        } catch (IOException | RuntimeException e) {
            return error(500, "cannot read the file");
        }
        if (found == null) {
            return new Respond(404, HttpResponseWriter.text(404, "Not Found", "not found", head));
        }
        ByteBuffer headBytes = HttpResponseWriter.head(200, "OK", ContentTypes.of(found.name()), found.bytes().length,
                "X-Content-Type-Options", "nosniff");
        return new Respond(200, head ? new ByteBuffer[] {headBytes}
                : new ByteBuffer[] {headBytes, ByteBuffer.wrap(found.bytes())});
    }

    private static Respond error(int status, String body) {
        return new Respond(status, new ByteBuffer[] {
                ByteBuffer.wrap(ServerHandshake.errorResponse(status, null, null, body))});
    }
}
