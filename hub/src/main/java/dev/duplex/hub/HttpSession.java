package dev.duplex.hub;

import dev.duplex.net.HeldMemory;
import dev.duplex.net.HttpCall;
import dev.duplex.net.HttpReply;
import dev.duplex.net.SendResult;
import dev.duplex.net.ServerSession;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One hub client over an HTTP transport (SSE or long polling): the {@link Outbox} of its {@link HubConnection}.
 * Every message gets a number (1, 2, ... per session) and is kept until the client acknowledges it (a poll's
 * {@code ack}, an SSE reconnect's {@code Last-Event-ID}, or {@code ack} on a POST), so a response or stream lost on
 * the way is sent again and nothing is repeated: the client asks for what follows the last number it got.
 *
 * <p>Messages not yet handed to a stream or a poll response are <i>unsent</i>; the hub's slow-consumer check sees
 * them (plus the stream's socket backlog) as the connection's buffered amount, as for a WebSocket. Messages handed
 * out and not acknowledged are kept up to {@code keepSent} bytes, oldest dropped first (a resume from before
 * them is refused); unsent ones beyond twice {@code maxOutboundBytes} close the session as a slow consumer.
 *
 * <p><b>Threading:</b> any thread; every method synchronizes on the session. Calls into an {@link HttpCall} never
 * block, and its callbacks run on its event loop.
 */
final class HttpSession implements Outbox {
    /** One numbered message and its size (UTF-16 length: close enough to bytes for the bounds). */
    private record Entry(long id, String json, int bytes) {
    }

    final String token;
    final String transport;
    /** The client address counted against the per-address limit; null if not counted. Set once, at creation. */
    volatile java.net.InetAddress address;
    private final HttpTransports owner;
    private final long maxOutbound;
    /** How many bytes of handed-out, unacknowledged messages are kept for a resume. */
    private final long keepSent;
    private HubConnection connection;
    /** The kept messages' share of the server's memory budget; null until set. */
    private HeldMemory held;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    /** The number the next message gets. */
    private long nextId = 1;
    /** Entries with a number from here on were not handed out yet. */
    private long firstUnsent = 1;
    private long unsentBytes;
    private long sentBytes;
    /** Messages dropped from the acknowledged window: a resume from below this number is refused. */
    private long droppedUpTo;
    private HttpCall stream;
    private HttpCall poll;
    private ScheduledFuture<?> pollTimeout;
    private boolean pollFlushScheduled;
    private boolean closed;
    private boolean ended;
    private boolean drainRequested;
    /** When the session last had a stream or poll attached or got a request; 0 while one is attached. */
    private long idleSinceNanos = System.nanoTime();
    private long lastWriteNanos = System.nanoTime();

    /**
     * @param keepSent bytes of handed-out messages kept until acknowledged (oldest dropped beyond): a long poll's
     *                 last answer, an SSE stream's resume window
     */
    HttpSession(String token, String transport, HttpTransports owner, long maxOutbound, long keepSent) {
        this.token = token;
        this.transport = transport;
        this.owner = owner;
        this.maxOutbound = maxOutbound;
        this.keepSent = keepSent;
    }

    synchronized void connection(HubConnection c) {
        this.connection = c;
    }

    synchronized void held(HeldMemory memory) {
        this.held = memory;
        account();
    }

    /** Reports the kept messages to the server's memory budget. */
    private void account() {
        if (held != null) {
            held.set(unsentBytes + sentBytes);
        }
    }

    synchronized HubConnection connection() {
        return connection;
    }

    // ------------------------------------------------------------------------------------------- Outbox

    @Override
    public synchronized void send(String json) {
        if (closed) {
            return;
        }
        append(json);
        if (unsentBytes > 2 * maxOutbound) {
            closeDiscardingBacklog(dev.duplex.core.CloseCodes.TRY_AGAIN_LATER, "slow consumer");
            return;
        }
        handOut();
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (closed) {
            return;
        }
        append(owner.replies().close(code, reason));
        closed = true;
        handOut();
    }

    @Override
    public synchronized void closeDiscardingBacklog(int code, String reason) {
        if (closed) {
            return;
        }
        while (!entries.isEmpty() && entries.peekLast().id() >= firstUnsent) {
            unsentBytes -= entries.pollLast().bytes();
        }
        nextId = firstUnsent;
        account();
        close(code, reason);
    }

    @Override
    public synchronized long bufferedAmount() {
        HttpCall s = stream;
        return unsentBytes + (s != null ? s.bufferedAmount() : 0);
    }

    @Override
    public synchronized void requestDrain() {
        drainRequested = true;
        maybeDrained();
    }

    @Override
    public ServerSession session() {
        return null;
    }

    // ------------------------------------------------------------------------------- the client's requests

    /** Whether the client may resume after message {@code ack}: nothing after it was dropped, and it exists. */
    synchronized Resume check(long ack) {
        if (ack < 0 || ack >= nextId) {
            return Resume.BAD_CURSOR;
        }
        if (ack < droppedUpTo) {
            return Resume.LOST;
        }
        if (closed && ack == nextId - 1) {
            return Resume.FINISHED;
        }
        return Resume.OK;
    }

    enum Resume { OK, BAD_CURSOR, LOST, FINISHED }

    /** The client received everything up to {@code ack}: those messages are forgotten. */
    synchronized void acknowledge(long ack) {
        while (!entries.isEmpty() && entries.peekFirst().id() <= ack) {
            Entry e = entries.pollFirst();
            if (e.id() < firstUnsent) {
                sentBytes -= e.bytes();
            } else {
                unsentBytes -= e.bytes();
                firstUnsent = e.id() + 1;
            }
        }
        if (firstUnsent <= ack) {
            firstUnsent = ack + 1;
        }
        droppedUpTo = Math.max(droppedUpTo, ack); // an older cursor later would ask for what is gone
        account();
        touch();
    }

    /** A request arrived: the idle clock starts again. */
    synchronized void touch() {
        if (idleSinceNanos != 0) {
            idleSinceNanos = System.nanoTime();
        }
    }

    /**
     * An EventSource (re)connected after message {@code ack} (already acknowledged): the stream replaces any
     * earlier one, and every kept message after {@code ack} is sent on it again.
     */
    synchronized void attachStream(HttpCall call) {
        HttpCall old = stream;
        stream = call;
        idleSinceNanos = 0;
        if (old != null) {
            old.end();
        }
        rewind();
        call.startStream(owner.cors(call, HttpReply.of(200, "text/event-stream; charset=utf-8",
                        ": duplex hub\nretry: 2000\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .withHeader("Cache-Control", "no-store")
                .withHeader("X-Accel-Buffering", "no")));
        call.onFinish(() -> detachStream(call));
        handOut();
    }

    /**
     * A poll after message {@code ack} (already acknowledged): answered at once with every kept message after it,
     * or held until one comes or the poll timeout passes (then answered with an empty list). A poll already held
     * is answered 409.
     */
    synchronized void attachPoll(HttpCall call) {
        HttpCall old = poll;
        if (old != null) {
            cancelPollTimeout();
            old.reply(owner.jsonError(409, "conflict", "a newer poll of this session replaced this one"));
        }
        rewind();
        poll = call;
        idleSinceNanos = 0;
        call.onFinish(() -> detachPoll(call));
        if (firstUnsent < nextId) {
            flushPoll();
        } else {
            pollTimeout = owner.schedule(this::flushPoll, owner.pollTimeoutNanos());
        }
    }

    /** Every kept message is to be handed out again (a new stream or poll after a lost one). */
    private void rewind() {
        Entry first = entries.peekFirst();
        if (first != null && first.id() < firstUnsent) {
            firstUnsent = first.id();
            unsentBytes += sentBytes;
            sentBytes = 0;
        }
    }

    // ------------------------------------------------------------------------------------------ internals

    private void append(String json) {
        entries.addLast(new Entry(nextId++, json, json.length()));
        unsentBytes += json.length();
        account();
    }

    /** Hands the unsent messages to the stream, or wakes the held poll. */
    private void handOut() {
        if (stream != null) {
            writeStream();
        } else if (poll != null && !pollFlushScheduled) {
            pollFlushScheduled = true; // a hop, so that the messages queued with this one go in the same answer
            owner.schedule(this::flushPoll, 0);
        }
    }

    private void writeStream() {
        HttpCall s = stream;
        if (firstUnsent >= nextId) {
            maybeDrained();
            return;
        }
        StringBuilder events = new StringBuilder((int) Math.min(unsentBytes + 64L * entries.size(), 1 << 20));
        for (Entry e : entries) {
            if (e.id() >= firstUnsent) {
                events.append("id: ").append(token).append('.').append(e.id()).append("\ndata: ").append(e.json())
                        .append("\n\n");
            }
        }
        markAllSent();
        lastWriteNanos = System.nanoTime();
        SendResult r = s.send(events.toString());
        if (closed && r != SendResult.REFUSED) {
            s.end();
        }
        maybeDrained();
    }

    /** Answers the held poll with every unsent message (an empty list if there is none). */
    private synchronized void flushPoll() {
        pollFlushScheduled = false;
        HttpCall p = poll;
        if (p == null) {
            return;
        }
        cancelPollTimeout();
        StringBuilder body = new StringBuilder((int) Math.min(unsentBytes + entries.size() + 2, 1 << 20)).append('[');
        boolean first = true;
        for (Entry e : entries) {
            if (e.id() >= firstUnsent) {
                if (!first) {
                    body.append(',');
                }
                body.append(e.json());
                first = false;
            }
        }
        body.append(']');
        markAllSent();
        poll = null;
        idleSinceNanos = System.nanoTime();
        p.reply(owner.cors(p, HttpReply.json(200, body.toString()).withHeader("Cache-Control", "no-store")));
        maybeDrained();
    }

    private void markAllSent() {
        sentBytes += unsentBytes;
        unsentBytes = 0;
        firstUnsent = nextId;
        while (sentBytes > keepSent && !entries.isEmpty()) {
            Entry e = entries.pollFirst();
            sentBytes -= e.bytes();
            droppedUpTo = e.id();
        }
        account();
    }

    private void maybeDrained() {
        if (!drainRequested || unsentBytes > 0 || connection == null) {
            return;
        }
        HttpCall s = stream;
        if (s != null) {
            s.onDrain(this::drained);
        } else {
            drained();
        }
    }

    private synchronized void drained() {
        if (drainRequested && unsentBytes == 0 && connection != null) {
            drainRequested = false;
            owner.drained(connection);
        }
    }

    private synchronized void detachStream(HttpCall call) {
        if (stream == call) {
            stream = null;
            idleSinceNanos = System.nanoTime();
        }
    }

    private synchronized void detachPoll(HttpCall call) {
        if (poll == call) {
            poll = null;
            cancelPollTimeout();
            idleSinceNanos = System.nanoTime();
        }
    }

    private void cancelPollTimeout() {
        if (pollTimeout != null) {
            pollTimeout.cancel(false);
            pollTimeout = null;
        }
    }

    /** Sweeper: whether the session was left alone longer than {@code idleNanos} (then it is ended). */
    synchronized boolean idleLongerThan(long idleNanos, long now) {
        return idleSinceNanos != 0 && now - idleSinceNanos > idleNanos;
    }

    /** Sweeper: a comment line on a stream that was quiet for {@code intervalNanos}, so proxies keep it open. */
    synchronized void heartbeat(long intervalNanos, long now) {
        HttpCall s = stream;
        if (s != null && now - lastWriteNanos >= intervalNanos) {
            lastWriteNanos = now;
            s.send(": heartbeat\n\n");
        }
    }

    /** The session is over (expired, or the hub is closing): streams and polls end. Returns false if it was already. */
    synchronized boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        closed = true;
        cancelPollTimeout();
        if (poll != null) {
            poll.reply(owner.jsonError(404, "unknown_session", "the session ended"));
            poll = null;
        }
        if (stream != null) {
            stream.end();
            stream = null;
        }
        entries.clear();
        unsentBytes = 0;
        sentBytes = 0;
        if (held != null) {
            held.close();
        }
        return true;
    }

    synchronized boolean isEnded() {
        return ended;
    }

    @Override
    public String toString() {
        return "HttpSession[" + transport + " " + (connection != null ? connection.member().session() : "-") + "]";
    }

    /** For tests: whether a poll is held now. */
    synchronized boolean polling() {
        return poll != null;
    }

    /** For tests: the numbers of the messages kept now. */
    synchronized long[] keptIds() {
        long[] ids = new long[entries.size()];
        Iterator<Entry> it = entries.iterator();
        for (int i = 0; i < ids.length; i++) {
            ids[i] = it.next().id();
        }
        return ids;
    }
}
