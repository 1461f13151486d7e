package dev.duplex.hub;

import dev.duplex.core.CloseCodes;
import dev.duplex.core.EncodedFrame;
import dev.duplex.core.handshake.HttpRequest;
import dev.duplex.net.Acceptance;
import dev.duplex.net.AcceptHook;
import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /broadcast} and {@code /broadcast/{topic}}: every message goes to every connection on the same topic
 * (sender included), byte for byte, encoded once. {@code /broadcast} alone is the topic {@code default}. Nothing
 * is stored.
 *
 * <p>Per message the path is: a pass over the topic's members checking for slow consumers (no allocation), one
 * {@link EncodedFrame}, one {@link WebSocketServer#broadcast}. A member whose unsent bytes exceed
 * {@link HubLimits#maxOutboundBytes()} is closed with 1013 instead of being sent more. Messages above
 * {@link HubLimits#maxMessageBytes()} close the sender with 1009.
 */
final class BroadcastEndpoint implements Endpoint, AcceptHook {
    static final String DEFAULT_TOPIC = "default";
    private static final String PREFIX = "/broadcast/";

    private final ConcurrentHashMap<String, Set<ServerSession>> topics = new ConcurrentHashMap<>();
    private final ServerFanout server;
    private final int maxMessageBytes;
    private final long maxOutboundBytes;

    BroadcastEndpoint(ServerFanout server, HubLimits limits) {
        this.server = server;
        this.maxMessageBytes = limits.maxMessageBytes();
        this.maxOutboundBytes = limits.maxOutboundBytes();
    }

    /** The topic of a request path, or null if the path names no valid topic. */
    static String topicOf(String path) {
        if (path.equals("/broadcast") || path.equals(PREFIX)) {
            return DEFAULT_TOPIC;
        }
        if (!path.startsWith(PREFIX)) {
            return null;
        }
        String topic = path.substring(PREFIX.length());
        return TopicNames.isValid(topic) ? topic : null;
    }

    /** Refuses paths that name no valid topic with 404 before the upgrade. */
    @Override
    public Acceptance check(HttpRequest request) {
        String topic = topicOf(request.path());
        return topic == null ? Acceptance.reject(404, "no such broadcast topic: topic names are 1-64 characters of"
                + " A-Z a-z 0-9 . _ : - and do not start with '.'") : Acceptance.accept(topic);
    }

    @Override
    public void onOpen(ServerSession session) {
        String topic = session.attachment() instanceof String t ? t : topicOf(session.request().path());
        if (topic == null) {
            session.close(CloseCodes.POLICY_VIOLATION, "invalid topic");
            return;
        }
        session.attachment(topic);
        topics.compute(topic, (name, members) -> {
            Set<ServerSession> set = members != null ? members : ConcurrentHashMap.newKeySet();
            set.add(session);
            return set;
        });
    }

    @Override
    public void onText(ServerSession session, String text) {
        if (Utf8Length.of(text, maxMessageBytes) > maxMessageBytes) {
            session.close(CloseCodes.MESSAGE_TOO_BIG, "message too big");
            return;
        }
        relay(session, text, null);
    }

    @Override
    public void onBinary(ServerSession session, ByteBuffer data) {
        if (data.remaining() > maxMessageBytes) {
            session.close(CloseCodes.MESSAGE_TOO_BIG, "message too big");
            return;
        }
        relay(session, null, data);
    }

    /** Sends {@code text} (or else {@code data}) to every member of the sender's topic, the sender included. */
    private void relay(ServerSession from, String text, ByteBuffer data) {
        Set<ServerSession> members = membersOf(from);
        if (members == null) {
            return;
        }
        WebSocketServer s = server.server();
        if (s == null) { // the hub was not attached to its server: one send per member
            for (ServerSession m : members) {
                if (text != null) {
                    m.send(text);
                } else {
                    m.send(data);
                }
            }
            return;
        }
        closeSlow(members);
        s.broadcast(members, text != null ? EncodedFrame.text(text) : EncodedFrame.binary(data));
    }

    @Override
    public void onClose(ServerSession session, int code, String reason, boolean wasClean) {
        if (session.attachment() instanceof String topic) {
            topics.computeIfPresent(topic, (name, members) -> {
                members.remove(session);
                return members.isEmpty() ? null : members;
            });
        }
    }

    /** Connections on {@code topic} now (for tests and metrics). */
    int members(String topic) {
        Set<ServerSession> m = topics.get(topic);
        return m == null ? 0 : m.size();
    }

    private Set<ServerSession> membersOf(ServerSession session) {
        return session.attachment() instanceof String topic ? topics.get(topic) : null;
    }

    private void closeSlow(Set<ServerSession> members) {
        for (ServerSession m : members) {
            if (m.bufferedAmount() > maxOutboundBytes) {
                m.closeDiscardingBacklog(CloseCodes.TRY_AGAIN_LATER, "slow consumer");
            }
        }
    }
}
