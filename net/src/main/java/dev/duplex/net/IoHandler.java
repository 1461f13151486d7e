package dev.duplex.net;

import java.nio.channels.SelectionKey;

/**
 * What an {@link EventLoop} calls when a registered channel is ready. The handler is the key's attachment, so a
 * connection can change its handler (connecting, then handshaking, then open) with {@code key.attach(...)}.
 *
 * <p>Called on the loop thread only. An exception thrown here is caught by the loop, which then calls
 * {@link #onLoopError} and keeps running: one broken connection never stops the loop.
 */
interface IoHandler {

    /** The channel is ready for the operations in {@code key.readyOps()}. */
    void onReady(SelectionKey key);

    /** {@link #onReady} threw; the handler should close its channel. */
    void onLoopError(Throwable error);
}
