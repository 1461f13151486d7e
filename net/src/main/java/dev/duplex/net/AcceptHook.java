package dev.duplex.net;

import dev.duplex.core.handshake.HttpRequest;

/**
 * Decides whether a valid WebSocket upgrade request is let in: authentication by header, cookie or query,
 * rate limits, attaching the user to the session. Runs after the handshake and Origin checks passed.
 *
 * <p><b>Threading:</b> called on the connection's event loop; it must not block (look up what it needs in
 * memory). <b>Errors:</b> an exception thrown here answers 500 and closes the connection.
 */
@FunctionalInterface
public interface AcceptHook {

    /** Accepts everyone. */
    AcceptHook ACCEPT_ALL = request -> Acceptance.accept();

    /** @param request the upgrade request: path, query, headers, cookies */
    Acceptance check(HttpRequest request);
}
