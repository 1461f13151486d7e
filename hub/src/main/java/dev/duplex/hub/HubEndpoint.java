package dev.duplex.hub;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;

import java.nio.ByteBuffer;
import java.time.Clock;

/**
 * {@code /hub}: greets each connection, parses and checks requests on the event loop (size, shape, rate, rights:
 * all cheap), answers pings and errors at once, and hands subscribes, unsubscribes and publishes to the writer
 * thread. Never blocks.
 */
final class HubEndpoint implements Endpoint {
    private final HubCore core;
    private final Writer writer;
    private final RequestParser parser;
    private final Replies replies;
    private final HubLimits limits;
    private final Counters counters;
    private final Clock clock;
    private final SessionIds sessionIds = new SessionIds();

    HubEndpoint(HubCore core, Writer writer, RequestParser parser, Replies replies, HubLimits limits,
                Counters counters, Clock clock) {
        this.core = core;
        this.writer = writer;
        this.parser = parser;
        this.replies = replies;
        this.limits = limits;
        this.counters = counters;
        this.clock = clock;
    }

    @Override
    public void onOpen(ServerSession session) {
        Identity identity = session.attachment() instanceof Identity i ? i : new Identity(null, Rights.ALL);
        HubConnection c = open(identity, Outbox.of(session));
        session.attachment(c);
    }

    /** Creates the connection's state and sends the welcome. */
    HubConnection open(Identity identity, Outbox out) {
        return open(identity, out, null, null);
    }

    /** As {@link #open(Identity, Outbox)}, for an HTTP transport session: its welcome names the transport. */
    HubConnection open(Identity identity, Outbox out, String transport, String transportSession) {
        String id = sessionIds.next();
        Member member = new Member(id, identity.name() != null ? identity.name() : "guest-" + id);
        HubConnection c = new HubConnection(member, identity.rights(), out, limits, System.nanoTime(),
                identity.closeAtMillis());
        counters.connections.increment();
        out.send(replies.welcome(member, limits, transport, transportSession));
        if (c.closeAtMillis != 0) {
            writer.submitControl(new Command.Action(hub -> hub.watchExpiry(c)));
        }
        return c;
    }

    @Override
    public void onText(ServerSession session, String text) {
        if (session.attachment() instanceof HubConnection c) {
            handle(c, text);
        }
    }

    /** One request from {@code c}; ignored once the hub decided to close it. */
    void handle(HubConnection c, String text) {
        if (c.closing.get()) {
            return;
        }
        if (c.closeAtMillis != 0 && clock.millis() >= c.closeAtMillis) {
            core.closeAfterCommitted(c, HubCore.TOKEN_EXPIRED, "token expired");
            return;
        }
        long now = System.nanoTime();
        if (Utf8Length.of(text, limits.maxMessageBytes()) > limits.maxMessageBytes()) {
            core.sendError(c, null, ErrorCode.TOO_LARGE,
                    "requests are at most " + limits.maxMessageBytes() + " bytes");
            return;
        }
        Request r;
        try {
            r = parser.parse(text);
        } catch (HubError e) {
            core.sendError(c, e.id(), e.code(), e.getMessage());
            return;
        }
        if (!c.requests.tryTake(now)) {
            core.sendError(c, r.id(), ErrorCode.RATE_LIMITED,
                    "at most " + limits.requestsPerSecond() + " requests per second");
            return;
        }
        if (r instanceof Request.Ping) {
            c.out().send(replies.pong(r.id()));
        } else if (r instanceof Request.Subscribe s) {
            if (!c.rights().canSubscribe(s.topic())) {
                core.sendError(c, s.id(), ErrorCode.FORBIDDEN, "no right to subscribe to " + s.topic());
            } else {
                submit(c, r, new Command.Requested(c, s.id(), hub -> hub.subscribe(c, s)));
            }
        } else if (r instanceof Request.Unsubscribe u) {
            submit(c, r, new Command.Requested(c, u.id(), hub -> hub.unsubscribe(c, u)));
        } else if (r instanceof Request.Publish p) {
            if (!c.rights().canPublish(p.topic())) {
                core.sendError(c, p.id(), ErrorCode.FORBIDDEN, "no right to publish to " + p.topic());
            } else if (!c.publishes.tryTake(now)) {
                core.sendError(c, p.id(), ErrorCode.RATE_LIMITED,
                        "at most " + limits.publishPerSecond() + " publishes per second");
            } else {
                submit(c, r, new Command.Publish(c, p.id(), p.topic(), p.data(), p.ack(), null, p.key()));
            }
        }
    }

    private void submit(HubConnection c, Request r, Command command) {
        if (!writer.submit(command)) {
            core.sendError(c, r.id(), ErrorCode.OVERLOADED, "the hub is busy or closing; try again later");
        }
    }

    @Override
    public void onBinary(ServerSession session, ByteBuffer data) {
        if (session.attachment() instanceof HubConnection c) {
            core.sendError(c, null, ErrorCode.BAD_REQUEST, "the hub protocol uses text frames only");
        }
    }

    @Override
    public void onDrain(ServerSession session) {
        if (session.attachment() instanceof HubConnection c) {
            onDrainOf(c);
        }
    }

    void onDrainOf(HubConnection c) {
        writer.submitControl(new Command.Action(hub -> hub.drained(c)));
    }

    @Override
    public void onClose(ServerSession session, int code, String reason, boolean wasClean) {
        if (session.attachment() instanceof HubConnection c) {
            closed(c);
        }
    }

    void closed(HubConnection c) {
        counters.connections.decrement();
        writer.submitControl(new Command.Action(hub -> hub.disconnect(c)));
    }
}
