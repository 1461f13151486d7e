package dev.duplex.app.bench;

import java.nio.ByteBuffer;

/**
 * Hub mode, a subscriber: subscribes to the topic as soon as it is open, then for every message from a bench
 * publisher records the latency from the send time in the data's {@link FanoutStamp} to now, reports the delivery
 * so the publisher's window moves on, and checks the topic's seq ({@link SeqCheck}). Presence events and the
 * welcome are ignored; an {@code error} reply fails the connection with the server's words.
 */
final class HubSubscriberWorkload implements Workload {
    private final BenchLoop loop;
    private final FanoutState fanout;
    private final int size;
    private final int url;
    private final ByteBuffer subscribe;
    private final SeqCheck seqs = new SeqCheck();
    private boolean subscribeSent;
    private boolean joined;

    /**
     * @param subscribe the masked subscribe frame, shared read-only (duplicated here)
     * @param url       the number of the URL this subscriber opened, for the latency by URL
     */
    HubSubscriberWorkload(BenchLoop loop, FanoutState fanout, SeqChecks checks, ByteBuffer subscribe, int size,
                          int url) {
        this.loop = loop;
        this.url = url;
        this.fanout = fanout;
        this.size = size;
        this.subscribe = subscribe.duplicate();
        checks.register(seqs);
        fanout.subscriberOpened();
    }

    @Override
    public ByteBuffer nextBytes(long now) {
        if (subscribeSent) {
            return null;
        }
        subscribeSent = true;
        return subscribe.position(0);
    }

    @Override
    public String onMessage(ByteBuffer data, long now) {
        if (HubFrames.typeIs(data, HubFrames.MESSAGE)) {
            return onTopicMessage(data, now);
        }
        if (HubFrames.typeIs(data, HubFrames.SUBSCRIBED)) {
            long seq = HubFrames.numberAfter(data, HubFrames.SEQ);
            if (seq < 0) {
                return "a subscribed reply without seq: " + HubFrames.text(data);
            }
            seqs.subscribed(seq);
            return null;
        }
        if (HubFrames.typeIs(data, HubFrames.ERROR)) {
            return "the hub answered the subscriber with " + HubFrames.text(data);
        }
        if (HubFrames.typeIs(data, HubFrames.GAP)) {
            seqs.gap(HubFrames.numberAfter(data, HubFrames.FROM), HubFrames.numberAfter(data, HubFrames.TO));
        }
        return null; // welcome, join, leave
    }

    private String onTopicMessage(ByteBuffer data, long now) {
        if (!seqs.started()) {
            return "a message before the subscribed reply: " + HubFrames.text(data);
        }
        long seq = HubFrames.numberAfter(data, HubFrames.SEQ);
        int at = HubFrames.find(data, HubFrames.DATA);
        if (seq < 0 || at < 0) {
            return "a message without seq or string data: " + HubFrames.text(data);
        }
        if (at + size >= data.limit() || data.get(at + size) != '"') {
            return "a message whose data is not a string of " + size + " characters: " + HubFrames.text(data);
        }
        if (!seqs.received(seq)) {
            return null; // a duplicate: counted by the check, not as a delivery
        }
        try {
            int publisher = FanoutStamp.publisher(data, at);
            if (publisher == FanoutStamp.PROBE) {
                if (!joined) {
                    joined = true;
                    fanout.subscriberJoined();
                }
                return null;
            }
            long sentAt = FanoutStamp.nanoTime(data, at);
            fanout.delivered(publisher, FanoutStamp.sequence(data, at));
            if (loop.measuring()) {
                loop.stats().recordDelivery(url, size, now - sentAt);
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage() + ": " + HubFrames.text(data);
        }
    }

    @Override
    public void onClosed() {
        if (!loop.stopping()) {
            seqs.closedEarly();
        }
        fanout.subscriberClosed(joined);
    }
}
