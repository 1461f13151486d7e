package dev.duplex.app.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Hub mode's side of the duplex hub protocol (docs/protocol.md): the publish and subscribe requests, pre-encoded,
 * and a scanner that finds the few fields the bench needs in the server's JSON without parsing it into objects.
 * The scanner relies on what the bench controls: the topic, the publishers' names and the message data are plain
 * ASCII without quotes, so a key such as {@code "seq":} cannot occur inside a string value.
 */
final class HubFrames {
    /** Hex digits of a publish id: the publisher's own sequence number. */
    static final int ID_DIGITS = 12;
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,63}");

    static final byte[] TYPE = ascii("\"type\":\"");
    static final byte[] SEQ = ascii("\"seq\":");
    static final byte[] DATA = ascii("\"data\":\"");
    static final byte[] ID = ascii("\"id\":\"");
    static final byte[] FROM = ascii("\"from\":");
    static final byte[] TO = ascii("\"to\":");
    static final byte[] MESSAGE = ascii("message\"");
    static final byte[] SUBSCRIBED = ascii("subscribed\"");
    static final byte[] ACK = ascii("ack\"");
    static final byte[] ERROR = ascii("error\"");
    static final byte[] GAP = ascii("gap\"");

    private HubFrames() {
    }

    /** Whether the hub accepts {@code topic} as a topic name. */
    static boolean validTopic(String topic) {
        return topic != null && TOPIC.matcher(topic).matches();
    }

    /**
     * The payload of a publish request whose data is a string of {@code size} characters: the
     * {@link FanoutStamp} first, then filler.
     *
     * @param stampOffset where the data string starts (the stamp goes there)
     * @param idOffset    where the {@value #ID_DIGITS} hex digits of the id go, or -1 without ack
     */
    record Publish(byte[] payload, int stampOffset, int idOffset) {
    }

    static Publish publish(String topic, int size, boolean ack) {
        String head = "{\"type\":\"publish\",\"topic\":\"" + topic + "\","
                + (ack ? "\"ack\":true,\"id\":\"" + "0".repeat(ID_DIGITS) + "\"," : "") + "\"data\":\"";
        byte[] filler = MaskedFrames.filler(size, FanoutStamp.LENGTH);
        String text = head + new String(filler, StandardCharsets.US_ASCII) + "\"}";
        int idOffset = ack ? head.indexOf("\"id\":\"") + ID.length : -1;
        return new Publish(ascii(text), head.length(), idOffset);
    }

    /** A subscribe request for {@code topic}. */
    static byte[] subscribe(String topic) {
        return ascii("{\"type\":\"subscribe\",\"id\":\"bench\",\"topic\":\"" + topic + "\"}");
    }

    /** Whether the frame's {@code "type"} is the one whose value (with its closing quote) is {@code value}. */
    static boolean typeIs(ByteBuffer frame, byte[] value) {
        int at = find(frame, TYPE);
        return at >= 0 && matches(frame, at, value);
    }

    /**
     * The absolute index just after the first occurrence of {@code key} in the frame (from its position to its
     * limit), or -1.
     */
    static int find(ByteBuffer frame, byte[] key) {
        int last = frame.limit() - key.length;
        byte first = key[0];
        for (int i = frame.position(); i <= last; i++) {
            if (frame.get(i) == first && matches(frame, i, key)) {
                return i + key.length;
            }
        }
        return -1;
    }

    private static boolean matches(ByteBuffer frame, int at, byte[] bytes) {
        if (at + bytes.length > frame.limit()) {
            return false;
        }
        for (int j = 0; j < bytes.length; j++) {
            if (frame.get(at + j) != bytes[j]) {
                return false;
            }
        }
        return true;
    }

    /** The non-negative integer starting at absolute {@code at}, or -1 if there is no digit there. */
    static long number(ByteBuffer frame, int at) {
        long value = 0;
        int i = at;
        while (i < frame.limit()) {
            int c = frame.get(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            i++;
        }
        return i == at ? -1 : value;
    }

    /** The number after {@code key}, or -1 if the key or the number is missing. */
    static long numberAfter(ByteBuffer frame, byte[] key) {
        int at = find(frame, key);
        return at < 0 ? -1 : number(frame, at);
    }

    /** The whole frame as text, cut at 300 characters, for error messages. */
    static String text(ByteBuffer frame) {
        byte[] bytes = new byte[Math.min(frame.remaining(), 300)];
        frame.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8) + (frame.remaining() > 300 ? "..." : "");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
