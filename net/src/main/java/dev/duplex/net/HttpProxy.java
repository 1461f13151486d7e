package dev.duplex.net;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * An HTTP proxy that the client tunnels through with {@code CONNECT host:port} (RFC 9110 section 9.3.6), for
 * both {@code ws://} and {@code wss://} (TLS then runs end to end inside the tunnel, so the proxy sees no
 * plaintext). Optionally authenticates with HTTP Basic credentials in {@code Proxy-Authorization}.
 *
 * <p>Immutable and thread-safe. A refusal by the proxy surfaces as a {@link ProxyException} with its status.
 */
public final class HttpProxy {
    private final String host;
    private final int port;
    private final String authorization;

    private HttpProxy(String host, int port, String authorization) {
        this.host = host;
        this.port = port;
        this.authorization = authorization;
    }

    /**
     * A proxy without credentials.
     *
     * @throws IllegalArgumentException for an empty host or a port outside 1-65535
     */
    public static HttpProxy of(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("proxy host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy port must be 1-65535, was " + port);
        }
        return new HttpProxy(host, port, null);
    }

    /**
     * The same proxy with Basic credentials (sent in every CONNECT, as UTF-8).
     *
     * @throws IllegalArgumentException if the user name contains a colon
     */
    public HttpProxy withBasicAuth(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a Basic auth user name may not contain ':'");
        }
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new HttpProxy(host, port, "Basic " + token);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The {@code Proxy-Authorization} value, or null without credentials. */
    String authorization() {
        return authorization;
    }

    @Override
    public String toString() {
        return "HttpProxy[" + host + ":" + port + (authorization == null ? "" : ", basic auth") + "]";
    }
}
