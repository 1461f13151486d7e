package dev.duplex.net;

/**
 * {@link WebSocket#send} refused a message because a bound would be exceeded: while open, the bytes not yet
 * written to the network would pass the configured maximum buffered amount (the server does not read fast
 * enough); while reconnecting, the queue of messages held for the next connection is full. The message was not
 * taken: nothing is ever dropped silently. Retry later, after {@link WebSocket#bufferedAmount()} fell.
 */
public final class SendBufferFullException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    SendBufferFullException(String message) {
        super(message);
    }
}
