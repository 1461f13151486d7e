package dev.duplex.app.bench;

import dev.duplex.core.CloseStatus;
import dev.duplex.core.EngineHandler;
import dev.duplex.core.OutboundBuffer;
import dev.duplex.core.ProtocolException;
import dev.duplex.core.Role;
import dev.duplex.core.WebSocketEngine;
import dev.duplex.core.handshake.ClientHandshake;
import dev.duplex.core.handshake.HandshakeException;
import dev.duplex.core.handshake.HandshakeRejectedException;
import dev.duplex.core.handshake.HttpResponse;
import dev.duplex.core.handshake.ResponseParser;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * One client connection of a run, driven by its {@link BenchLoop}: a non-blocking connect, the HTTP upgrade with
 * core's {@link ClientHandshake} and {@link ResponseParser}, then a client-role {@link WebSocketEngine} that decodes
 * what arrives (and answers pings and close frames). Data frames are not sent through the engine: its
 * {@link Workload} hands over pre-encoded frames, written straight to the socket; the engine's own output (pongs,
 * the close reply) is written between them, never inside one.
 *
 * <p>Not thread-safe: only the loop thread touches it.
 */
final class BenchConnection implements EngineHandler {
    enum State { NEW, CONNECTING, HANDSHAKING, OPEN, CLOSED }

    private final BenchLoop loop;
    private final int index;
    private final InetAddress source;
    private final URI url;
    private final InetSocketAddress target;
    private State state = State.NEW;
    private SocketChannel channel;
    private SelectionKey key;
    private boolean writeInterest;
    private long attemptStart;
    private ClientHandshake handshake;
    private ByteBuffer request;
    private ResponseParser parser;
    private WebSocketEngine engine;
    private Workload workload;
    private ByteBuffer current;
    private ByteBuffer[] gather;
    private ErrorKind failureKind;
    /** When the loop's timer queue holds this connection: the time it is due, else {@link Long#MIN_VALUE}. */
    long timerDue = Long.MIN_VALUE;
    private String failureMessage;

    /**
     * @param source the local address to bind, or null to let the kernel choose
     * @param url    the URL to open
     * @param target its resolved address
     */
    BenchConnection(BenchLoop loop, int index, InetAddress source, URI url, InetSocketAddress target) {
        this.loop = loop;
        this.index = index;
        this.source = source;
        this.url = url;
        this.target = target;
    }

    int index() {
        return index;
    }

    State state() {
        return state;
    }

    Workload workload() {
        return workload;
    }

    /** Starts the TCP connection; the outcome arrives through the selector. */
    void connect(long now) {
        attemptStart = now;
        state = State.CONNECTING;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (source != null) {
                channel.bind(new InetSocketAddress(source, 0));
            }
            boolean connected = channel.connect(target);
            key = channel.register(loop.selector(), connected ? 0 : SelectionKey.OP_CONNECT, this);
            if (connected) {
                onConnected();
            }
        } catch (IOException | RuntimeException e) {
            fail(ErrorKind.CONNECT, describe(e));
        }
    }

    void onConnectable() {
        try {
            if (channel.finishConnect()) {
                onConnected();
            }
        } catch (IOException e) {
            fail(ErrorKind.CONNECT, describe(e));
        }
    }

    private void onConnected() {
        state = State.HANDSHAKING;
        handshake = new ClientHandshake(url, List.of(), List.of(), null, loop.random());
        request = ByteBuffer.wrap(handshake.request());
        parser = new ResponseParser();
        key.interestOps(SelectionKey.OP_READ);
        writeRequest();
    }

    private void writeRequest() {
        try {
            channel.write(request);
            setWriteInterest(request.hasRemaining());
        } catch (IOException e) {
            fail(ErrorKind.HANDSHAKE, describe(e));
        }
    }

    /** The socket is writable: go on with whatever is pending. */
    void onWritable() {
        if (state == State.HANDSHAKING) {
            writeRequest();
        } else {
            flush();
        }
    }

    /** The socket is readable: read once into the loop's buffer and process everything read. */
    void onReadable(ByteBuffer buffer) {
        buffer.clear();
        int n;
        try {
            n = channel.read(buffer);
        } catch (IOException e) {
            fail(state == State.OPEN ? ErrorKind.CLOSED : ErrorKind.HANDSHAKE, describe(e));
            return;
        }
        if (n < 0) {
            if (state == State.OPEN) {
                fail(ErrorKind.CLOSED, "the server ended the connection without a close frame");
            } else {
                fail(ErrorKind.HANDSHAKE, "the server closed the connection during the handshake");
            }
            return;
        }
        if (n == 0) {
            return;
        }
        buffer.flip();
        if (state == State.HANDSHAKING && !readHandshake(buffer)) {
            return;
        }
        if (buffer.hasRemaining()) {
            engine.receive(buffer);
        }
        if (failureKind != null) {
            writeEngineOutputOnce();
            fail(failureKind, failureMessage);
        } else {
            flush();
        }
    }

    /** Returns true once the connection is open; bytes after the response head stay in {@code buffer}. */
    private boolean readHandshake(ByteBuffer buffer) {
        try {
            HttpResponse response = parser.feed(buffer);
            if (response == null) {
                return false;
            }
            handshake.validate(response, buffer);
        } catch (HandshakeRejectedException e) {
            fail(ErrorKind.HANDSHAKE, "HTTP " + e.status() + (e.reason().isEmpty() ? "" : " " + e.reason()));
            return false;
        } catch (HandshakeException e) {
            fail(ErrorKind.HANDSHAKE, e.getMessage());
            return false;
        }
        handshake = null;
        parser = null;
        request = null;
        engine = new WebSocketEngine(Role.CLIENT, loop.engineConfig(), this, new OutboundBuffer(loop.pool()), List.of());
        state = State.OPEN;
        workload = loop.opened(this, attemptStart);
        return true;
    }

    /** Writes the workload's frames and the engine's own output until the socket is full or nothing is left. */
    void flush() {
        if (state != State.OPEN) {
            return;
        }
        try {
            while (true) {
                if (current != null) {
                    channel.write(current);
                    if (current.hasRemaining()) {
                        setWriteInterest(true);
                        return;
                    }
                    current = null;
                }
                OutboundBuffer own = engine.outbound();
                if (!own.isEmpty()) {
                    if (!writeEngineOutput()) {
                        setWriteInterest(true);
                        return;
                    }
                    continue;
                }
                current = workload.nextBytes(loop.now());
                if (current == null) {
                    setWriteInterest(false);
                    if (workload.waitingForRate()) {
                        loop.wakeAt(this, workload.dueNanos());
                    }
                    return;
                }
            }
        } catch (IOException e) {
            fail(ErrorKind.CLOSED, describe(e));
        }
    }

    /** Writes what the engine queued; returns true when all of it went out. */
    private boolean writeEngineOutput() throws IOException {
        OutboundBuffer own = engine.outbound();
        if (gather == null) {
            gather = new ByteBuffer[4];
        }
        int n = own.gather(gather);
        channel.write(gather, 0, n);
        own.reclaim();
        java.util.Arrays.fill(gather, null);
        return own.isEmpty();
    }

    private void writeEngineOutputOnce() {
        if (engine == null || current != null && current.hasRemaining()) {
            return; // a frame is half written: the close reply cannot go in the middle of it
        }
        try {
            writeEngineOutput();
        } catch (IOException e) {
            // the connection fails anyway
        }
    }

    /** Checks the attempt deadline and the workload's message deadline. */
    void checkTimeouts(long now, long timeoutNanos) {
        if ((state == State.CONNECTING || state == State.HANDSHAKING) && now - attemptStart > timeoutNanos) {
            fail(state == State.CONNECTING ? ErrorKind.CONNECT : ErrorKind.HANDSHAKE,
                    "no answer within " + timeoutNanos / 1_000_000 + " ms");
        } else if (state == State.OPEN && workload.timedOut(now, timeoutNanos)) {
            fail(ErrorKind.TIMEOUT, "no answer to a message within " + timeoutNanos / 1_000_000 + " ms");
        }
    }

    /** The end of the run: a close frame (when it can go out at once) and the socket closed; no error. */
    void closeQuietly() {
        if (state == State.OPEN && (current == null || !current.hasRemaining())) {
            engine.close(1000, "duplex bench done");
            writeEngineOutputOnce();
        }
        end(null, null);
    }

    /** Counts the failure and closes the connection; later calls do nothing. */
    void fail(ErrorKind kind, String message) {
        end(kind, message);
    }

    private void end(ErrorKind kind, String message) {
        if (state == State.CLOSED) {
            return;
        }
        State was = state;
        state = State.CLOSED;
        if (kind != null) {
            loop.errors().record(kind, message);
        }
        if (key != null) {
            key.cancel();
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to do with it
            }
        }
        if (engine != null) {
            engine.outbound().release();
        }
        current = null;
        loop.ended(this, was, kind != null);
    }

    private void setWriteInterest(boolean wanted) {
        if (wanted != writeInterest && key.isValid()) {
            key.interestOps(wanted ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            writeInterest = wanted;
        }
    }

    // ------------------------------------------------------------------ engine callbacks (inside engine.receive)

    @Override
    public void onText(ByteBuffer utf8) {
        onMessage(utf8);
    }

    @Override
    public void onBinary(ByteBuffer data) {
        onMessage(data);
    }

    private void onMessage(ByteBuffer data) {
        if (failureKind != null) {
            return;
        }
        String problem = workload.onMessage(data, loop.now());
        if (problem != null) {
            failureKind = ErrorKind.PROTOCOL;
            failureMessage = problem;
        }
    }

    @Override
    public void onCloseReceived(CloseStatus status) {
        if (failureKind == null) {
            failureKind = ErrorKind.CLOSED;
            failureMessage = "the server closed the connection with " + status.code()
                    + (status.reason().isEmpty() ? "" : " " + status.reason());
        }
    }

    @Override
    public void onProtocolError(ProtocolException error) {
        if (failureKind == null) {
            failureKind = ErrorKind.PROTOCOL;
            failureMessage = error.getMessage();
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isEmpty() ? e.getClass().getSimpleName() : message;
    }
}
