package dev.duplex.net;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * TLS over a non-blocking channel with an {@link SSLEngine}, on the connection's event loop: the handshake runs
 * as bytes arrive (delegated tasks run inline), application bytes are wrapped into records and unwrapped from
 * them, and {@link #closeOutbound()} sends close_notify. See {@link Transport} for the contract.
 *
 * <p>Memory is bounded: one inbound and one outbound record buffer plus one buffer of decrypted bytes not yet
 * taken by the reader, each sized by the session (about 16 KiB).
 */
final class TlsTransport implements Transport {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    /** Encrypted bytes read from the socket and not yet unwrapped; write mode. */
    private ByteBuffer netIn;
    /** Encrypted bytes wrapped and not yet written; read mode. */
    private ByteBuffer netOut;
    /** Decrypted bytes not yet handed to the reader; read mode. */
    private ByteBuffer appIn;
    private boolean ready;
    private boolean inboundDone;

    /** {@code engine} must be configured for its role (client or server mode) already. */
    TlsTransport(SocketChannel channel, SSLEngine engine) throws SSLException {
        this.channel = channel;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet).flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        engine.beginHandshake();
    }

    @Override
    public SocketChannel channel() {
        return channel;
    }

    SSLEngine engine() {
        return engine;
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (appIn.hasRemaining()) {
            return copyAppIn(dst);
        }
        if (inboundDone) {
            return -1;
        }
        while (true) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn.compact());
            } finally {
                appIn.flip();
                netIn.compact();
            }
            switch (result.getStatus()) {
                case CLOSED:
                    inboundDone = true;
                    return appIn.hasRemaining() ? copyAppIn(dst) : -1;
                case BUFFER_OVERFLOW:
                    if (appIn.hasRemaining()) {
                        return copyAppIn(dst);
                    }
                    appIn = grow(appIn, engine.getSession().getApplicationBufferSize()).flip();
                    continue;
                case BUFFER_UNDERFLOW:
                    if (!netIn.hasRemaining()) {
                        netIn = growWriteMode(netIn, engine.getSession().getPacketBufferSize());
                    }
                    break;
                default:
                    break;
            }
            progressHandshake(result.getHandshakeStatus());
            if (appIn.hasRemaining()) {
                return copyAppIn(dst);
            }
            if (result.getStatus() == SSLEngineResult.Status.OK && result.bytesConsumed() > 0) {
                continue; // a handshake or session-ticket record; there may be more in netIn
            }
            int n = channel.read(netIn);
            if (n < 0) {
                inboundDone = true;
                return -1;
            }
            if (n == 0) {
                return 0;
            }
        }
    }

    private int copyAppIn(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), appIn.remaining());
        int limit = appIn.limit();
        appIn.limit(appIn.position() + n);
        dst.put(appIn);
        appIn.limit(limit);
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (!ready) {
            progressHandshake(engine.getHandshakeStatus());
            if (!ready) {
                return 0;
            }
        }
        long consumed = 0;
        while (flushNetOut() && hasRemaining(srcs, offset, length)) {
            netOut.compact();
            SSLEngineResult result;
            try {
                result = engine.wrap(srcs, offset, length, netOut);
            } finally {
                netOut.flip();
            }
            consumed += result.bytesConsumed();
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS output is closed");
            }
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && !netOut.hasRemaining()) {
                netOut = grow(netOut, engine.getSession().getPacketBufferSize()).flip();
            }
        }
        return consumed;
    }

    @Override
    public boolean flushPending() throws IOException {
        if (!ready) {
            progressHandshake(engine.getHandshakeStatus());
        }
        return flushNetOut();
    }

    @Override
    public long pendingBytes() {
        return netOut.remaining();
    }

    @Override
    public void closeOutbound() throws IOException {
        engine.closeOutbound();
        while (!engine.isOutboundDone()) {
            netOut.compact();
            SSLEngineResult result;
            try {
                result = engine.wrap(EMPTY, netOut);
            } finally {
                netOut.flip();
            }
            if (result.bytesProduced() == 0) {
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && flushNetOut()) {
                    continue;
                }
                break;
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the socket is gone either way
        }
    }

    /** Runs handshake steps that need no input: delegated tasks and handshake wraps. */
    private void progressHandshake(HandshakeStatus status) throws IOException {
        HandshakeStatus hs = status;
        while (true) {
            switch (hs) {
                case NEED_TASK:
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    hs = engine.getHandshakeStatus();
                    break;
                case NEED_WRAP:
                    netOut.compact();
                    SSLEngineResult result;
                    try {
                        result = engine.wrap(EMPTY, netOut);
                    } finally {
                        netOut.flip();
                    }
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        if (!flushNetOut()) {
                            return; // resumes when the socket is writable
                        }
                    } else if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        flushNetOut();
                        throw new SSLException("TLS handshake failed: the engine closed");
                    }
                    hs = result.getHandshakeStatus();
                    break;
                case FINISHED:
                case NOT_HANDSHAKING:
                    ready = true;
                    flushNetOut();
                    return;
                default: // NEED_UNWRAP: waits for bytes from the peer
                    flushNetOut();
                    return;
            }
        }
    }

    private boolean flushNetOut() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasRemaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** A larger buffer in write mode holding {@code buf}'s readable bytes. */
    private static ByteBuffer grow(ByteBuffer readMode, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, readMode.capacity() * 2));
        bigger.put(readMode);
        return bigger;
    }

    private static ByteBuffer growWriteMode(ByteBuffer writeMode, int atLeast) {
        writeMode.flip();
        return grow(writeMode, atLeast);
    }
}
