/**
 * Non-blocking WebSocket server and client on java.nio, built on the sans-I/O engine of duplex-core.
 *
 * <p>Internals (package-private): {@code EventLoop} (one selector thread with a task queue and timers),
 * {@code EventLoopGroup} (round robin over a fixed set of loops), {@code Transport} with {@code PlainTransport}
 * and {@code TlsTransport} (SSLEngine on the same loop), and {@code Connection}, which ties a transport, the
 * outbound queue and an engine together. Server and client both build on them.
 */
package dev.duplex.net;
