package dev.duplex.net;

import dev.duplex.core.handshake.HandshakeException;
import dev.duplex.core.handshake.HttpResponse;
import dev.duplex.core.handshake.ResponseParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The CONNECT exchange with an {@link HttpProxy} for one connection: the request bytes, then the proxy's answer
 * parsed incrementally (bounded by the {@link ResponseParser} limits). Not thread-safe: the connection's loop
 * drives it.
 */
final class ProxyTunnel {
    private final HttpProxy proxy;
    private final String target;
    private final ResponseParser parser = new ResponseParser();

    ProxyTunnel(HttpProxy proxy, String host, int port) {
        this.proxy = proxy;
        this.target = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code CONNECT host:port HTTP/1.1} with Host and, with credentials, Proxy-Authorization. */
    byte[] request() {
        StringBuilder sb = new StringBuilder(128)
                .append("CONNECT ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target).append("\r\n");
        if (proxy.authorization() != null) {
            sb.append("Proxy-Authorization: ").append(proxy.authorization()).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Feeds the proxy's answer; bytes after the head stay in {@code in}.
     *
     * @return true once the tunnel is open (a 2xx answer), false while more bytes are needed
     * @throws ProxyException for any other status
     * @throws IOException    for a malformed or oversized answer
     */
    boolean feed(ByteBuffer in) throws IOException {
        HttpResponse response;
        try {
            response = parser.feed(in);
        } catch (HandshakeException e) {
            throw new IOException("bad answer from proxy " + proxy.host() + ":" + proxy.port() + ": " + e.getMessage(), e);
        }
        if (response == null) {
            return false;
        }
        if (response.status() / 100 != 2) {
            throw new ProxyException(response.status(), response.reason(), target);
        }
        return true;
    }
}
