package dev.duplex.app.bench;

/**
 * Spaces one connection's messages evenly at a fixed rate, or lets them all through when there is no rate. With a
 * rate, each message gets its intended send time on the schedule, and latency is measured from that time rather
 * than from when it actually went out: a server that stalls is charged for the messages it delayed, not only for
 * the one it was holding (the coordinated-omission correction wrk2 made popular). Not thread-safe.
 */
final class RatePacer {
    private final double nanosPerMessage;
    private long start;
    private long scheduled;
    private boolean waiting;

    /** @param messagesPerSecond this connection's rate; 0 or less for none */
    RatePacer(double messagesPerSecond) {
        this.nanosPerMessage = messagesPerSecond > 0 ? 1e9 / messagesPerSecond : 0;
    }

    boolean limited() {
        return nanosPerMessage > 0;
    }

    double nanosPerMessage() {
        return nanosPerMessage;
    }

    void start(long now) {
        start = now;
        scheduled = 0;
    }

    /** How many of {@code wanted} messages are due by {@code now}. */
    int allowance(long now, int wanted) {
        if (nanosPerMessage == 0 || wanted <= 0) {
            waiting = false;
            return wanted;
        }
        long due = (long) ((now - start) / nanosPerMessage) + 1 - scheduled;
        int n = (int) Math.max(0, Math.min(wanted, due));
        waiting = n < wanted;
        return n;
    }

    /** The send time to record for the next message: {@code now}, or its place on the schedule. */
    long nextSendTime(long now) {
        if (nanosPerMessage == 0) {
            return now;
        }
        return start + (long) (scheduled++ * nanosPerMessage);
    }

    boolean waiting() {
        return waiting;
    }

    /** When the next message falls due on the schedule. */
    long nextDue() {
        return start + (long) (scheduled * nanosPerMessage);
    }
}
