/**
 * The HTTP/1.1 opening handshake of RFC 6455 (section 4), both sides, as pure parsers and functions
 * over bytes: no sockets, no threads, no dependencies beyond the JDK.
 *
 * <p>Server: {@link dev.duplex.core.handshake.RequestParser} &rarr;
 * {@link dev.duplex.core.handshake.ServerHandshake#validate} &rarr;
 * {@link dev.duplex.core.handshake.ServerHandshake#response101} (or
 * {@link dev.duplex.core.handshake.ServerHandshake#errorResponse}). Client:
 * {@link dev.duplex.core.handshake.ClientHandshake#request()} &rarr;
 * {@link dev.duplex.core.handshake.ResponseParser} &rarr;
 * {@link dev.duplex.core.handshake.ClientHandshake#validate}. Every handshake failure is a
 * {@link dev.duplex.core.handshake.HandshakeException} carrying an HTTP status; misuse of the API
 * (bad arguments) is an {@link java.lang.IllegalArgumentException}.
 */
package dev.duplex.core.handshake;
