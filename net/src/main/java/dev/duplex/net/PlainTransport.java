package dev.duplex.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** TCP without encryption: reads and gathering writes straight on the channel. See {@link Transport}. */
final class PlainTransport implements Transport {
    private final SocketChannel channel;

    PlainTransport(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public boolean shortReadDrains() {
        return true;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return channel.write(srcs, offset, length);
    }

    @Override
    public boolean flushPending() {
        return true;
    }

    @Override
    public long pendingBytes() {
        return 0;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void closeOutbound() {
        // nothing to send before the FIN
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the socket is gone either way
        }
    }
}
