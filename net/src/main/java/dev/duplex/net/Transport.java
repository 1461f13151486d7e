package dev.duplex.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A non-blocking byte stream to the peer over a connected {@link SocketChannel}: plain TCP or TLS. Application
 * bytes go in and out; a TLS transport handshakes, encrypts and decrypts underneath, on the same thread.
 *
 * <p><b>Threading:</b> not thread-safe; driven by the connection's event loop only.
 *
 * <p><b>Errors:</b> I/O failures and TLS failures ({@link javax.net.ssl.SSLException}) are thrown as
 * {@link IOException}; the caller closes the transport.
 */
interface Transport {

    SocketChannel channel();

    /**
     * Reads available application bytes into {@code dst}.
     *
     * @return bytes read, 0 when nothing is available now (a TLS handshake step may have happened), -1 at end of
     * stream (TCP FIN, or TLS close_notify)
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * True when a {@link #read} that did not fill its buffer proves the socket had nothing more, so the caller
     * can skip the read that would return 0 and wait for the selector instead. False for TLS, which may hold
     * decrypted bytes back.
     */
    default boolean shortReadDrains() {
        return false;
    }

    /**
     * Writes as much of {@code srcs[offset..offset+length)} as the socket takes now, in one gathering write
     * where possible, and returns how many application bytes were consumed. A TLS transport may consume bytes it
     * has not written yet; they show in {@link #pendingBytes()}.
     */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /** Writes bytes the transport holds itself (TLS records, handshake messages); true when none remain. */
    boolean flushPending() throws IOException;

    /** Bytes accepted by {@link #write} or produced by a handshake and not yet on the wire. */
    long pendingBytes();

    /** Whether application bytes can flow yet (false while a TLS handshake is under way). */
    boolean isReady();

    /**
     * Queues what ends the output in an orderly way: TLS close_notify (flush it with {@link #flushPending}), nothing
     * for plain TCP. The caller then shuts down the socket's output (FIN).
     */
    void closeOutbound() throws IOException;

    /** Closes the socket now. Idempotent; never throws. */
    void close();
}
