package dev.duplex.app.bench;

import dev.duplex.core.handshake.ClientHandshake;
import dev.duplex.core.handshake.HandshakeException;
import dev.duplex.core.handshake.HttpResponse;
import dev.duplex.core.handshake.ResponseParser;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * One attacking connection of an {@link AttackRun}, driven by its {@link AttackLoop}: a non-blocking connect, the
 * upgrade request (trickled for ever in slowloris mode), then the attack of its {@link Mode}, until the server ends
 * it or the run does. It never answers the server (no pong, no close reply) and never closes on its own before the
 * end. What the server sent is scanned only for an HTTP status or a close code. A connection that does not read
 * during the attack reads what is waiting when a write fails (to tell a close frame from a plain reset), and every
 * connection reads for a moment after the attack ({@link #startDrain()}): a server's close frame or end of stream
 * queued behind data never read shows only then. How it ended is its {@link Fate}.
 *
 * <p>Not thread-safe: only the loop thread touches it.
 */
final class AttackConnection {
    enum State { NEW, CONNECTING, REQUESTING, ATTACKING, ENDED }

    /** The most bytes read when looking for a close frame in what a non-reading connection left unread. */
    static final int DRAIN_LIMIT = 8 << 20;
    /** The receive buffer of a connection that never reads (set before connecting, so it fixes the window). */
    static final int NON_READING_RCVBUF = 8 * 1024;

    private final AttackLoop loop;
    private final Mode mode;
    private final InetAddress source;
    private State state = State.NEW;
    private SocketChannel channel;
    private SelectionKey key;
    private int interest;
    private long attemptStart;
    private long connectedAt = -1;
    private boolean started;
    private ClientHandshake handshake;
    private ResponseParser parser;
    private ByteBuffer request;
    private SlowlorisHead trickle;
    private ByteBuffer step;
    private ByteBuffer out;
    private long frameBytes;
    private long framesCounted;
    private boolean partialSent;
    private RatePacer pacer;
    private CloseFrameScanner scanner;
    private boolean draining;
    /** When the loop's timer queue holds this connection: the time it is due, else {@link Long#MIN_VALUE}. */
    long timerDue = Long.MIN_VALUE;

    /** @param source the local address to bind, or null to let the kernel choose */
    AttackConnection(AttackLoop loop, Mode mode, InetAddress source) {
        this.loop = loop;
        this.mode = mode;
        this.source = source;
    }

    State state() {
        return state;
    }

    /** Starts the TCP connection; the outcome arrives through the selector. */
    void connect(long now) {
        attemptStart = now;
        state = State.CONNECTING;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (!loop.plan().readsAfterUpgrade()) {
                // it never reads: a small receive window stalls the server's output after little traffic, as a
                // real slow reader's would, instead of after the megabytes loopback autotuning lets through
                channel.setOption(StandardSocketOptions.SO_RCVBUF, NON_READING_RCVBUF);
            }
            if (source != null) {
                channel.bind(new InetSocketAddress(source, 0));
            }
            boolean connected = channel.connect(loop.target());
            key = channel.register(loop.selector(), connected ? 0 : SelectionKey.OP_CONNECT, this);
            interest = key.interestOps();
            if (connected) {
                onConnected();
            }
        } catch (IOException | RuntimeException e) {
            end(Fate.CONNECT_FAILED, describe(e));
        }
    }

    void onConnectable() {
        try {
            if (channel.finishConnect()) {
                onConnected();
            }
        } catch (IOException e) {
            end(Fate.CONNECT_FAILED, describe(e));
        }
    }

    private void onConnected() {
        connectedAt = loop.now();
        state = State.REQUESTING;
        loop.connected();
        handshake = new ClientHandshake(loop.url(), List.of(), List.of(), null, loop.random());
        parser = new ResponseParser();
        if (mode == Mode.SLOWLORIS) {
            trickle = new SlowlorisHead(handshake.request());
            started = true;
            loop.attackStarted();
            onTimer();
        } else {
            request = ByteBuffer.wrap(handshake.request());
            writeRequest();
        }
    }

    private void writeRequest() {
        try {
            loop.sent(channel.write(request), 0);
            setInterest(SelectionKey.OP_READ | (request.hasRemaining() ? SelectionKey.OP_WRITE : 0));
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    /** Slowloris: the next few bytes of the head are due. Rate-capped senders: the next frames are due. */
    void onTimer() {
        if (draining) {
            return;
        }
        if (state == State.REQUESTING && trickle != null) {
            if (step == null || !step.hasRemaining()) {
                step = trickle.next();
            }
            writeStep();
            loop.wakeAt(this, loop.now() + loop.intervalNanos());
        } else if (state == State.ATTACKING) {
            flush();
        }
    }

    private void writeStep() {
        try {
            loop.sent(channel.write(step), 0);
            setInterest(SelectionKey.OP_READ | (step.hasRemaining() ? SelectionKey.OP_WRITE : 0));
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    /** The socket is writable: go on with whatever is pending. */
    void onWritable() {
        if (draining) {
            setInterest(SelectionKey.OP_READ);
            return;
        }
        if (state == State.REQUESTING) {
            if (trickle != null) {
                writeStep();
            } else {
                writeRequest();
            }
        } else if (state == State.ATTACKING) {
            flush();
        }
    }

    /** The socket is readable: read once into the loop's buffer and look at it. */
    void onReadable(ByteBuffer buffer) {
        buffer.clear();
        int n;
        try {
            n = channel.read(buffer);
        } catch (IOException e) {
            end(Fate.RESET, describe(e));
            return;
        }
        if (n < 0) {
            end(Fate.EOF, null);
            return;
        }
        if (n == 0) {
            return;
        }
        loop.received(n);
        buffer.flip();
        if (state == State.REQUESTING) {
            Fate fate = readResponse(buffer);
            if (fate != null) {
                end(fate, null);
                return;
            }
            if (state != State.ATTACKING) {
                return;
            }
            if (draining) {
                return; // upgraded as the attack ended: open
            }
            startAttack();
            if (state != State.ATTACKING || !loop.plan().readsAfterUpgrade()) {
                return;
            }
        }
        if (state == State.ATTACKING && scan(buffer)) {
            end(Fate.CLOSED, null);
        }
    }

    /**
     * Feeds the response parser; returns the fate when the answer ends the connection (a refusal, or any answer
     * to slowloris), null otherwise (not complete yet, or upgraded: then the state is {@link State#ATTACKING}).
     */
    private Fate readResponse(ByteBuffer buffer) {
        HttpResponse response;
        try {
            response = parser.feed(buffer);
        } catch (HandshakeException e) {
            loop.errors().record(ErrorKind.PROTOCOL, "not an HTTP answer: " + e.getMessage());
            return Fate.PROTOCOL;
        }
        if (response == null) {
            return null;
        }
        if (response.status() != 101 || trickle != null) {
            loop.stats().httpStatus(response.status(), response.headers().contains("Retry-After"));
            return Fate.REJECTED;
        }
        try {
            handshake.validate(response, buffer);
        } catch (HandshakeException e) {
            loop.errors().record(ErrorKind.PROTOCOL, e.getMessage());
            return Fate.PROTOCOL;
        }
        handshake = null;
        parser = null;
        request = null;
        state = State.ATTACKING;
        return null;
    }

    private void startAttack() {
        started = true;
        loop.attackStarted();
        pacer = new RatePacer(loop.ratePerConnection());
        pacer.start(loop.now());
        flush();
    }

    /** Returns true once the close frame's code is in (and counted). */
    private boolean scan(ByteBuffer buffer) {
        if (scanner == null) {
            scanner = new CloseFrameScanner();
        }
        int code = scanner.feed(buffer);
        if (code == CloseFrameScanner.NONE) {
            return false;
        }
        loop.stats().closeCode(code);
        return true;
    }

    /** Writes the attack's bytes until the socket is full or nothing is due. */
    private void flush() {
        int reading = loop.plan().readsAfterUpgrade() ? SelectionKey.OP_READ : 0;
        try {
            while (true) {
                if (out != null && out.hasRemaining()) {
                    int n = channel.write(out);
                    long frames = 0;
                    if (mode != Mode.PARTIAL) {
                        frameBytes += n; // frames complete on the wire, also inside a batch written in part
                        frames = frameBytes / loop.frameLength() - framesCounted;
                        framesCounted += frames;
                    }
                    loop.sent(n, frames);
                    if (out.hasRemaining()) {
                        setInterest(reading | SelectionKey.OP_WRITE);
                        return;
                    }
                }
                if (!nextBytes()) {
                    setInterest(reading);
                    if (pacer.waiting()) {
                        loop.wakeAt(this, pacer.nextDue());
                    }
                    return;
                }
            }
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    /** Puts the next bytes to write in {@link #out}; false when nothing is due. */
    private boolean nextBytes() {
        if (mode == Mode.PARTIAL) {
            if (partialSent) {
                return false;
            }
            partialSent = true;
            out = loop.partialFrame().duplicate();
            return true;
        }
        ByteBuffer frames = loop.frames();
        int n = pacer.allowance(loop.now(), loop.framesPerWrite());
        if (n <= 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            pacer.nextSendTime(loop.now());
        }
        if (out == null) {
            out = frames.duplicate();
        }
        out.limit(n * loop.frameLength()).position(0);
        return true;
    }

    /** A write failed: the server is gone; what it left unread tells whether it sent a close frame first. */
    private void writeFailed(IOException e) {
        Fate fate = drain();
        end(fate != null ? fate : Fate.RESET, fate != null ? null : describe(e));
    }

    /**
     * Reads what is waiting (at most {@link #DRAIN_LIMIT} bytes, without blocking) and returns how the server
     * ended the connection, or null if it is still open as far as can be seen.
     */
    private Fate drain() {
        ByteBuffer buffer = loop.readBuffer();
        long total = 0;
        while (total < DRAIN_LIMIT) {
            buffer.clear();
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException e) {
                return Fate.RESET;
            }
            if (n < 0) {
                return Fate.EOF;
            }
            if (n == 0) {
                return null;
            }
            total += n;
            loop.received(n);
            buffer.flip();
            if (state == State.REQUESTING) {
                Fate fate = readResponse(buffer);
                if (fate != null || state == State.REQUESTING) {
                    return fate;
                }
                return null; // upgraded just now: open
            }
            if (scan(buffer)) {
                return Fate.CLOSED;
            }
        }
        return null;
    }

    /** Checks the deadlines of the connect and of the answer to a complete upgrade request. */
    void checkTimeouts(long now, long timeoutNanos) {
        if (state == State.CONNECTING && now - attemptStart > timeoutNanos) {
            end(Fate.CONNECT_FAILED, "no TCP connection within " + timeoutNanos / 1_000_000 + " ms");
        } else if (state == State.REQUESTING && trickle == null && now - connectedAt > timeoutNanos) {
            end(Fate.NO_ANSWER, "no answer to the upgrade request within " + timeoutNanos / 1_000_000 + " ms");
        }
    }

    /**
     * The attack is over: no more writes; read (every connection, the non-reading ones too) to see whether the
     * server has ended the connection, until {@link #finish()}.
     */
    void startDrain() {
        draining = true;
        if (state == State.CONNECTING) {
            end(Fate.CONNECT_FAILED, "still connecting when the attack ended");
        } else if (state == State.REQUESTING || state == State.ATTACKING) {
            setInterest(SelectionKey.OP_READ);
        }
    }

    /** The end of the run: what has not ended yet is counted as still open (or unanswered), and closed. */
    void finish() {
        switch (state) {
            case CONNECTING -> end(Fate.CONNECT_FAILED, "still connecting when the attack ended");
            case REQUESTING -> {
                if (trickle == null) {
                    end(Fate.NO_ANSWER, "no answer to the upgrade request when the attack ended");
                } else {
                    end(Fate.OPEN, null);
                }
            }
            case ATTACKING -> end(Fate.OPEN, null);
            default -> {
            }
        }
    }

    private void end(Fate fate, String message) {
        if (state == State.ENDED || state == State.NEW) {
            return;
        }
        state = State.ENDED;
        if (message != null) {
            loop.errors().record(kindOf(fate), message);
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
        out = null;
        loop.ended(fate, started, connectedAt < 0 ? -1 : loop.now() - connectedAt);
    }

    private static ErrorKind kindOf(Fate fate) {
        return switch (fate) {
            case CONNECT_FAILED -> ErrorKind.CONNECT;
            case NO_ANSWER, REJECTED -> ErrorKind.HANDSHAKE;
            case PROTOCOL -> ErrorKind.PROTOCOL;
            default -> ErrorKind.CLOSED;
        };
    }

    private void setInterest(int ops) {
        if (ops != interest && key.isValid()) {
            key.interestOps(ops);
            interest = ops;
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isEmpty() ? e.getClass().getSimpleName() : message;
    }
}
