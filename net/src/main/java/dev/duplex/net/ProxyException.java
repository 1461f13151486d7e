package dev.duplex.net;

import java.io.IOException;

/**
 * The HTTP proxy refused to open a tunnel: it answered {@code CONNECT} with a status other than 2xx, e.g.
 * 407 (Proxy Authentication Required: missing or wrong credentials) or 403 (the destination is not allowed).
 * Reported through {@link ErrorEvent} and the failed connect future.
 */
public final class ProxyException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    ProxyException(int status, String reason, String target) {
        super("proxy refused CONNECT " + target + ": " + status + (reason.isEmpty() ? "" : " " + reason));
        this.status = status;
    }

    /** The HTTP status the proxy answered with, e.g. 407. */
    public int status() {
        return status;
    }
}
