package dev.duplex.net;

import dev.duplex.core.EngineConfig;
import dev.duplex.core.extension.ExtensionFactory;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.List;

/**
 * Everything one connection attempt needs besides the handshake, fixed when the socket is built. Immutable.
 *
 * @param proxy          the CONNECT proxy, or null for a direct connection
 * @param sslContext     the TLS context for wss, or null for the JDK default
 * @param connectTimeout the bound on DNS, TCP, proxy, TLS and the opening handshake together
 * @param closeTimeout   how long to wait for the server's close frame after ours
 * @param closeLinger    how long to wait, after the close handshake, for the server to close TCP (RFC 6455
 *                       section 7.1.1) before closing it ourselves
 * @param engineConfig   limits for the protocol engine
 * @param extensions     the extensions the client offers (in order of preference); the server's answer is
 *                       checked against them and the accepted ones are created for the engine
 */
record ConnectionSettings(HttpProxy proxy, SSLContext sslContext, Duration connectTimeout, Duration closeTimeout,
                          Duration closeLinger, EngineConfig engineConfig, List<ExtensionFactory> extensions) {
}
