package dev.duplex.net;

import dev.duplex.core.CloseCodes;
import dev.duplex.core.handshake.HttpRequest;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The server's handle on one open WebSocket connection, given to every {@link Endpoint} callback.
 *
 * <p><b>Threading:</b> every method is safe from any thread. Sends made on the session's event loop (inside a
 * callback in the default mode) are queued at once; sends from other threads are handed to the loop through its
 * task queue and keep their order. Queued bytes are written with gathering writes, many frames per system call.
 *
 * <p><b>Backpressure:</b> {@link #bufferedAmount()} counts the bytes queued and not yet written. A send that
 * would take it above the server's high-water mark follows the {@link BackpressurePolicy} and says so in its
 * {@link SendResult}; a message sent while nothing is buffered is always queued. Sends after close are
 * {@link SendResult#REFUSED}.
 */
public final class ServerSession {
    private final ServerConnection connection;
    private final CompactRequest request;
    private final String subprotocol;
    private volatile Object attachment;

    ServerSession(ServerConnection connection, HttpRequest request, String subprotocol, Object attachment) {
        this.connection = connection;
        this.request = new CompactRequest(request);
        this.subprotocol = subprotocol;
        this.attachment = attachment;
    }

    /** Sends a text message. */
    public SendResult send(String text) {
        return connection.send(text);
    }

    /** Sends a binary message; the bytes are copied before this returns. */
    public SendResult send(byte[] data) {
        return connection.send(ByteBuffer.wrap(data));
    }

    /** Sends {@code data}'s remaining bytes as a binary message; copied before this returns, position unchanged. */
    public SendResult send(ByteBuffer data) {
        return connection.send(data);
    }

    /** Starts the close handshake with 1000 and no reason. */
    public void close() {
        close(CloseCodes.NORMAL, "");
    }

    /**
     * Starts the close handshake; the connection is dropped if the peer does not answer within the server's close
     * timeout. Idempotent: only the first close counts.
     *
     * @param code   1000-1003, 1007-1014 or 3000-4999
     * @param reason at most 123 bytes of UTF-8
     * @throws IllegalArgumentException for a code or reason that may not be sent
     */
    public void close(int code, String reason) {
        if (!CloseCodes.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent");
        }
        if (reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException("close reason longer than 123 UTF-8 bytes");
        }
        connection.closeFromApplication(code, reason);
    }

    /**
     * Closes for overload or backpressure (e.g. {@link CloseCodes#TRY_AGAIN_LATER} for a slow consumer): drops the
     * messages queued for this peer and not yet started on the wire, then starts the close handshake, so the close
     * frame goes out at once instead of behind a backlog the peer is not reading. A frame already partly written
     * is finished first. Same arguments and idempotence as {@link #close(int, String)}.
     */
    public void closeDiscardingBacklog(int code, String reason) {
        if (!CloseCodes.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent");
        }
        if (reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException("close reason longer than 123 UTF-8 bytes");
        }
        connection.closeDiscardingBacklog(code, reason);
    }

    /** Bytes queued for this peer and not yet written (engine frames, TLS records, sends in flight to the loop). */
    public long bufferedAmount() {
        return connection.bufferedAmount();
    }

    /** Asks for one {@link Endpoint#onDrain} call when everything buffered has been written (at once if empty). */
    public void requestDrainNotification() {
        connection.requestDrainNotification();
    }

    /** True until the close handshake starts or the connection drops. */
    public boolean isOpen() {
        return connection.isOpenForSending();
    }

    public Object attachment() {
        return attachment;
    }

    public void attachment(Object value) {
        this.attachment = value;
    }

    /** The peer's address; null once the socket is closed. */
    public SocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    /** The chosen subprotocol, or null for none. */
    public String subprotocol() {
        return subprotocol;
    }

    /**
     * The upgrade request: path, query, headers, cookies. The session keeps only the request's bytes (so an idle
     * connection stays small) and parses them again on each call: read what you need once, e.g. in
     * {@link Endpoint#onOpen}, and keep that in the {@link #attachment(Object) attachment}.
     */
    public HttpRequest request() {
        return request.expand();
    }

    ServerConnection connection() {
        return connection;
    }

    @Override
    public String toString() {
        return "ServerSession[" + request.expand().path() + " from " + remoteAddress() + "]";
    }
}
