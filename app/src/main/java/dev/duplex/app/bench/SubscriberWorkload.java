package dev.duplex.app.bench;

import java.nio.ByteBuffer;

/**
 * Fanout mode, a subscriber: sends nothing; for every message from a publisher records the latency from the
 * publisher's send time in the stamp to now, and reports the delivery so the publisher's window moves on.
 */
final class SubscriberWorkload implements Workload {
    private final BenchLoop loop;
    private final FanoutState fanout;
    private final int size;
    private boolean joined;

    SubscriberWorkload(BenchLoop loop, FanoutState fanout, int size) {
        this.loop = loop;
        this.fanout = fanout;
        this.size = size;
        fanout.subscriberOpened();
    }

    @Override
    public String onMessage(ByteBuffer data, long now) {
        if (data.remaining() != size) {
            return "fanout message of " + data.remaining() + " bytes, expected " + size;
        }
        try {
            int publisher = FanoutStamp.publisher(data);
            if (publisher == FanoutStamp.PROBE) {
                if (!joined) {
                    joined = true;
                    fanout.subscriberJoined();
                }
                return null;
            }
            long sentAt = FanoutStamp.nanoTime(data);
            fanout.delivered(publisher, FanoutStamp.sequence(data));
            if (loop.measuring()) {
                loop.stats().recordMessage(size, now - sentAt);
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Override
    public void onClosed() {
        fanout.subscriberClosed(joined);
    }
}
