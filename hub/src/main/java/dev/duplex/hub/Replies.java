package dev.duplex.hub;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** Writes the server's messages on {@code /hub} as compact JSON text. Stateless and thread-safe. */
final class Replies {
    static final String SERVER = "duplex/0.1.0";

    private final JsonFactory factory;

    Replies(JsonFactory factory) {
        this.factory = factory;
    }

    String welcome(Member you, HubLimits limits) {
        return welcome(you, limits, null, null);
    }

    /** With an HTTP transport: also {@code transport} ("sse", "longpoll") and the transport session's token. */
    String welcome(Member you, HubLimits limits, String transport, String transportSession) {
        return write(g -> {
            g.writeStringField("type", "welcome");
            g.writeStringField("session", you.session());
            g.writeStringField("name", you.name());
            g.writeStringField("server", SERVER);
            if (transport != null) {
                g.writeStringField("transport", transport);
                g.writeStringField("transportSession", transportSession);
            }
            g.writeObjectFieldStart("limits");
            g.writeNumberField("maxMessageBytes", limits.maxMessageBytes());
            g.writeNumberField("publishPerSecond", limits.publishPerSecond());
            g.writeNumberField("publishBurst", limits.publishBurst());
            g.writeNumberField("requestsPerSecond", limits.requestsPerSecond());
            g.writeNumberField("maxTopics", limits.maxTopicsPerConnection());
            g.writeEndObject();
        });
    }

    String subscribed(String id, String topic, long seq, List<Member> shown, int memberCount) {
        return write(g -> {
            g.writeStringField("type", "subscribed");
            id(g, id);
            g.writeStringField("topic", topic);
            g.writeNumberField("seq", seq);
            g.writeNumberField("memberCount", memberCount);
            g.writeArrayFieldStart("members");
            for (Member m : shown) {
                member(g, m);
            }
            g.writeEndArray();
        });
    }

    String message(StoredMessage m, boolean replay) {
        return write(g -> {
            g.writeStringField("type", "message");
            g.writeStringField("topic", m.topic());
            g.writeNumberField("seq", m.seq());
            g.writeNumberField("ts", m.timestamp());
            g.writeObjectFieldStart("from");
            g.writeStringField("session", m.fromSession());
            g.writeStringField("name", m.fromName());
            g.writeEndObject();
            g.writeFieldName("data");
            g.writeRawValue(m.data());
            if (replay) {
                g.writeBooleanField("replay", true);
            }
        });
    }

    String gap(String topic, long from, long to) {
        return write(g -> {
            g.writeStringField("type", "gap");
            g.writeStringField("topic", topic);
            g.writeNumberField("from", from);
            g.writeNumberField("to", to);
        });
    }

    String ack(String id, String topic, long seq, long ts) {
        return ack(id, topic, seq, ts, false);
    }

    /** {@code duplicate}: the publish's key was known, nothing was stored; seq and ts are the first publish's. */
    String ack(String id, String topic, long seq, long ts, boolean duplicate) {
        return write(g -> {
            g.writeStringField("type", "ack");
            id(g, id);
            g.writeStringField("topic", topic);
            g.writeNumberField("seq", seq);
            g.writeNumberField("ts", ts);
            if (duplicate) {
                g.writeBooleanField("duplicate", true);
            }
        });
    }

    String unsubscribed(String id, String topic) {
        return write(g -> {
            g.writeStringField("type", "unsubscribed");
            id(g, id);
            g.writeStringField("topic", topic);
        });
    }

    /** {@code type} is "join" or "leave". */
    String presence(String type, String topic, Member member) {
        return write(g -> {
            g.writeStringField("type", type);
            g.writeStringField("topic", topic);
            g.writeFieldName("member");
            member(g, member);
        });
    }

    String pong(String id) {
        return write(g -> {
            g.writeStringField("type", "pong");
            id(g, id);
        });
    }

    String error(String id, ErrorCode code, String message) {
        return write(g -> {
            g.writeStringField("type", "error");
            id(g, id);
            g.writeStringField("code", code.wire());
            g.writeStringField("message", message);
        });
    }

    /** The last message of an HTTP transport session: what a WebSocket client learns from the close frame. */
    String close(int code, String reason) {
        return write(g -> {
            g.writeStringField("type", "close");
            g.writeNumberField("code", code);
            g.writeStringField("reason", reason);
        });
    }

    /** The body of an HTTP transport's refusal (404 unknown session, 401, 403, ...). */
    String httpError(String code, String message) {
        return write(g -> {
            g.writeStringField("type", "error");
            g.writeStringField("code", code);
            g.writeStringField("message", message);
        });
    }

    private static void id(JsonGenerator g, String id) throws IOException {
        if (id != null) {
            g.writeStringField("id", id);
        }
    }

    private static void member(JsonGenerator g, Member m) throws IOException {
        g.writeStartObject();
        g.writeStringField("session", m.session());
        g.writeStringField("name", m.name());
        g.writeEndObject();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private String write(Body body) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}
