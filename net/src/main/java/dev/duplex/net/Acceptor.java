package dev.duplex.net;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Accepts connections on the listening socket (registered on one loop) and hands each new socket on; a failed
 * accept (out of file descriptors) is reported and accepting goes on.
 */
final class Acceptor implements IoHandler {
    private static final int MAX_ACCEPTS_PER_WAKEUP = 64;

    private final ServerSocketChannel channel;
    private final Consumer<SocketChannel> onAccepted;
    private final Consumer<Throwable> errorSink;

    Acceptor(ServerSocketChannel channel, Consumer<SocketChannel> onAccepted, Consumer<Throwable> errorSink) {
        this.channel = channel;
        this.onAccepted = onAccepted;
        this.errorSink = errorSink;
    }

    @Override
    public void onReady(SelectionKey key) {
        for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP; i++) {
            SocketChannel socket;
            try {
                socket = channel.accept();
            } catch (IOException e) {
                errorSink.accept(e);
                return;
            }
            if (socket == null) {
                return;
            }
            onAccepted.accept(socket);
        }
    }

    @Override
    public void onLoopError(Throwable error) {
        // the listening socket is closed by the loop or by stop(); nothing else to release
    }
}
