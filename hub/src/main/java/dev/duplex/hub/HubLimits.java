package dev.duplex.hub;

/**
 * The per-connection and per-hub limits of a {@link Hub}. Immutable and thread-safe; {@link #defaults()} or
 * {@link #builder()}.
 *
 * <p>Defaults: 64 KiB messages, 50 publishes per second per connection (bursts of 100), 200 requests of any
 * kind per second (bursts of 400), 32 topics per connection, 10,000 topics per hub, 10 new topics per second per
 * connection (bursts of 50), 100 members listed in
 * {@code subscribed}, presence events in topics of up to 1,000 members, 4 MiB of unsent data per connection
 * before it is closed as a slow consumer, 20 errors (refilled at one per second) before a connection is closed
 * for abuse.
 */
public final class HubLimits {
    private static final HubLimits DEFAULTS = builder().build();

    private final int maxMessageBytes;
    private final int publishPerSecond;
    private final int publishBurst;
    private final int requestsPerSecond;
    private final int requestBurst;
    private final int maxTopicsPerConnection;
    private final int maxTopics;
    private final int maxMembersShown;
    private final int maxPresenceMembers;
    private final long maxOutboundBytes;
    private final int maxErrorBurst;
    private final int topicCreationsPerSecond;
    private final int topicCreationBurst;

    private HubLimits(Builder b) {
        this.maxMessageBytes = b.maxMessageBytes;
        this.publishPerSecond = b.publishPerSecond;
        this.publishBurst = b.publishBurst;
        this.requestsPerSecond = b.requestsPerSecond;
        this.requestBurst = b.requestBurst;
        this.maxTopicsPerConnection = b.maxTopicsPerConnection;
        this.maxTopics = b.maxTopics;
        this.maxMembersShown = b.maxMembersShown;
        this.maxPresenceMembers = b.maxPresenceMembers;
        this.maxOutboundBytes = b.maxOutboundBytes;
        this.maxErrorBurst = b.maxErrorBurst;
        this.topicCreationsPerSecond = b.topicCreationsPerSecond;
        this.topicCreationBurst = b.topicCreationBurst;
    }

    public static HubLimits defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Largest request (a whole JSON text frame, in UTF-8 bytes) on {@code /hub}, and largest message on the raw
     * endpoints; larger hub requests get {@code too_large}, larger raw messages close the connection with 1009.
     */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Sustained publishes per second per connection; more get {@code rate_limited}. */
    public int publishPerSecond() {
        return publishPerSecond;
    }

    /** Publishes a connection may make at once before the per-second rate applies. */
    public int publishBurst() {
        return publishBurst;
    }

    /** Sustained requests of any type per second per connection; more get {@code rate_limited}. */
    public int requestsPerSecond() {
        return requestsPerSecond;
    }

    public int requestBurst() {
        return requestBurst;
    }

    /** Topics one connection may be subscribed to at once; more get {@code too_many_topics}. */
    public int maxTopicsPerConnection() {
        return maxTopicsPerConnection;
    }

    /**
     * Live topics the hub keeps (topics with no subscriber and no kept history are reclaimed); a publish or
     * subscribe that would create one more gets {@code too_many_topics}.
     */
    public int maxTopics() {
        return maxTopics;
    }

    /** Members listed in a {@code subscribed} reply; {@code memberCount} always tells the total. */
    public int maxMembersShown() {
        return maxMembersShown;
    }

    /** {@code join}/{@code leave} events are sent only in topics with at most this many members. */
    public int maxPresenceMembers() {
        return maxPresenceMembers;
    }

    /**
     * Bytes queued to one connection and not yet written above which it is a slow consumer: it is closed with
     * 1013 (try again later) instead of being sent more; it may reconnect and resume with {@code since}.
     */
    public long maxOutboundBytes() {
        return maxOutboundBytes;
    }

    /**
     * Error replies a connection may provoke at once (refilled at one per second); one more closes it with 1008:
     * its later requests are ignored, and the close follows the acks of every publish it had committed.
     */
    public int maxErrorBurst() {
        return maxErrorBurst;
    }

    /**
     * Sustained topic creations per second per connection: a publish or subscribe that would create a topic
     * beyond the bucket gets {@code topic_rate_limited}. Publishes by server code are not limited.
     */
    public int topicCreationsPerSecond() {
        return topicCreationsPerSecond;
    }

    /** Topics a connection may create at once before {@link #topicCreationsPerSecond()} applies. */
    public int topicCreationBurst() {
        return topicCreationBurst;
    }

    @Override
    public String toString() {
        return "HubLimits[maxMessageBytes=" + maxMessageBytes + ", publishPerSecond=" + publishPerSecond
                + ", publishBurst=" + publishBurst + ", requestsPerSecond=" + requestsPerSecond
                + ", requestBurst=" + requestBurst + ", maxTopicsPerConnection=" + maxTopicsPerConnection
                + ", maxTopics=" + maxTopics + ", maxMembersShown=" + maxMembersShown
                + ", maxPresenceMembers=" + maxPresenceMembers + ", maxOutboundBytes=" + maxOutboundBytes
                + ", maxErrorBurst=" + maxErrorBurst + ", topicCreationsPerSecond=" + topicCreationsPerSecond
                + ", topicCreationBurst=" + topicCreationBurst + "]";
    }

    /** Builds {@link HubLimits}; not thread-safe. Every setter rejects values below 1. */
    public static final class Builder {
        private int maxMessageBytes = 64 * 1024;
        private int publishPerSecond = 50;
        private int publishBurst = 100;
        private int requestsPerSecond = 200;
        private int requestBurst = 400;
        private int maxTopicsPerConnection = 32;
        private int maxTopics = 10_000;
        private int maxMembersShown = 100;
        private int maxPresenceMembers = 1_000;
        private long maxOutboundBytes = 4L << 20;
        private int maxErrorBurst = 20;
        private int topicCreationsPerSecond = 10;
        private int topicCreationBurst = 50;

        private Builder() {
        }

        /** At most 1,000,000 (the store keeps a message's data in one column of that size). */
        public Builder maxMessageBytes(int bytes) {
            if (bytes > 1_000_000) {
                throw new IllegalArgumentException("maxMessageBytes is at most 1000000, was " + bytes);
            }
            this.maxMessageBytes = positive(bytes, "maxMessageBytes");
            return this;
        }

        /** Sustained rate and burst of publishes per connection. */
        public Builder publishRate(int perSecond, int burst) {
            this.publishPerSecond = positive(perSecond, "publishPerSecond");
            this.publishBurst = positive(burst, "publishBurst");
            return this;
        }

        /** Sustained rate and burst of requests of any type per connection. */
        public Builder requestRate(int perSecond, int burst) {
            this.requestsPerSecond = positive(perSecond, "requestsPerSecond");
            this.requestBurst = positive(burst, "requestBurst");
            return this;
        }

        public Builder maxTopicsPerConnection(int n) {
            this.maxTopicsPerConnection = positive(n, "maxTopicsPerConnection");
            return this;
        }

        public Builder maxTopics(int n) {
            this.maxTopics = positive(n, "maxTopics");
            return this;
        }

        public Builder maxMembersShown(int n) {
            this.maxMembersShown = positive(n, "maxMembersShown");
            return this;
        }

        public Builder maxPresenceMembers(int n) {
            this.maxPresenceMembers = positive(n, "maxPresenceMembers");
            return this;
        }

        public Builder maxOutboundBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxOutboundBytes must be at least 1, was " + bytes);
            }
            this.maxOutboundBytes = bytes;
            return this;
        }

        public Builder maxErrorBurst(int n) {
            this.maxErrorBurst = positive(n, "maxErrorBurst");
            return this;
        }

        /** Sustained rate and burst of topic creations per connection. */
        public Builder topicCreationRate(int perSecond, int burst) {
            this.topicCreationsPerSecond = positive(perSecond, "topicCreationsPerSecond");
            this.topicCreationBurst = positive(burst, "topicCreationBurst");
            return this;
        }

        public HubLimits build() {
            return new HubLimits(this);
        }

        private static int positive(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, was " + n);
            }
            return n;
        }
    }
}
