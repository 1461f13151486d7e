package dev.duplex.net;

import java.util.Objects;

/**
 * The connection failed, or could not be established. As in the browser, an error event is always followed by
 * a {@link CloseEvent} (code 1006, not clean) unless reconnection is enabled and another attempt follows.
 *
 * <p>Typical causes: {@link java.net.ConnectException} (refused), {@link java.net.UnknownHostException} (DNS),
 * {@link javax.net.ssl.SSLException} (TLS, hostname verification), {@link ProxyException} (the CONNECT proxy
 * refused), {@link dev.duplex.core.handshake.HandshakeRejectedException} (the server answered other than 101,
 * with its status), {@link dev.duplex.core.handshake.HandshakeException} (a bad 101),
 * {@link dev.duplex.core.ProtocolException} (the server broke RFC 6455, with the close code sent),
 * {@link java.util.concurrent.TimeoutException} (connect or close handshake timed out), or an
 * {@link java.io.IOException} from the transport.
 *
 * @param target the socket that failed
 * @param cause  why; never null
 */
public record ErrorEvent(WebSocket target, Throwable cause) implements WebSocketEvent {
    public ErrorEvent {
        Objects.requireNonNull(cause, "cause");
    }
}
