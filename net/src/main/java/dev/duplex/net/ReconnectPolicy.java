package dev.duplex.net;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Opt-in automatic reconnection: when the connection is lost (or an attempt fails) and the application did not
 * call {@link WebSocket#close}, the socket waits and tries again, with exponential backoff, jitter and a cap.
 *
 * <p>The delay before attempt {@code n} (1 for the first retry) is
 * {@code min(maxDelay, initialDelay * multiplier^(n-1))}, then reduced by a random fraction of up to
 * {@code jitter} of itself (so many clients dropped together do not return together). After
 * {@code maxAttempts} failed attempts in a row (0: never give up) the socket closes for good.
 *
 * <p>While reconnecting, {@link WebSocket#send} queues messages, at most {@code queueCapacity} messages and
 * {@code queueMaxBytes} bytes; beyond that it throws {@link SendBufferFullException}. Queued messages are sent
 * in order on the next connection, before anything sent later.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}.
 */
public final class ReconnectPolicy {
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final double multiplier;
    private final double jitter;
    private final int maxAttempts;
    private final int queueCapacity;
    private final long queueMaxBytes;

    private ReconnectPolicy(Builder b) {
        this.initialDelay = b.initialDelay;
        this.maxDelay = b.maxDelay;
        this.multiplier = b.multiplier;
        this.jitter = b.jitter;
        this.maxAttempts = b.maxAttempts;
        this.queueCapacity = b.queueCapacity;
        this.queueMaxBytes = b.queueMaxBytes;
    }

    /** Defaults: 500 ms doubling up to 30 s, jitter 0.5, unlimited attempts, queue of 1000 messages / 1 MiB. */
    public static ReconnectPolicy defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Duration initialDelay() {
        return initialDelay;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    public double multiplier() {
        return multiplier;
    }

    public double jitter() {
        return jitter;
    }

    /** Failed attempts in a row before giving up; 0 for never. */
    public int maxAttempts() {
        return maxAttempts;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    public long queueMaxBytes() {
        return queueMaxBytes;
    }

    /** The delay before attempt {@code attempt} (from 1), with jitter drawn from {@code random}. */
    Duration delay(int attempt, RandomGenerator random) {
        double base = initialDelay.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        double capped = Math.min(base, maxDelay.toNanos());
        double jittered = capped * (1 - jitter * random.nextDouble());
        return Duration.ofNanos((long) Math.max(0, jittered));
    }

    /** Whether another attempt may follow {@code failedAttempts} failures in a row. */
    boolean allowsAttempt(int attempt) {
        return maxAttempts == 0 || attempt <= maxAttempts;
    }

    /** Builds a {@link ReconnectPolicy}; each setter checks its argument. Not thread-safe. */
    public static final class Builder {
        private Duration initialDelay = Duration.ofMillis(500);
        private Duration maxDelay = Duration.ofSeconds(30);
        private double multiplier = 2.0;
        private double jitter = 0.5;
        private int maxAttempts;
        private int queueCapacity = 1000;
        private long queueMaxBytes = 1 << 20;

        private Builder() {
        }

        public Builder initialDelay(Duration delay) {
            if (Objects.requireNonNull(delay, "delay").isNegative()) {
                throw new IllegalArgumentException("initialDelay must not be negative");
            }
            this.initialDelay = delay;
            return this;
        }

        public Builder maxDelay(Duration delay) {
            if (Objects.requireNonNull(delay, "delay").isNegative()) {
                throw new IllegalArgumentException("maxDelay must not be negative");
            }
            this.maxDelay = delay;
            return this;
        }

        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /** Fraction 0-1 of each delay that may be randomly taken off; 0 for none. */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("jitter must be within 0-1, was " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /** Failed attempts in a row before giving up; 0 (the default) for never. */
        public Builder maxAttempts(int attempts) {
            if (attempts < 0) {
                throw new IllegalArgumentException("maxAttempts must not be negative, was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** Most messages held while disconnected (at least 0; 0 makes send refuse while disconnected). */
        public Builder queueCapacity(int messages) {
            if (messages < 0) {
                throw new IllegalArgumentException("queueCapacity must not be negative, was " + messages);
            }
            this.queueCapacity = messages;
            return this;
        }

        /** Most payload bytes held while disconnected. */
        public Builder queueMaxBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("queueMaxBytes must not be negative, was " + bytes);
            }
            this.queueMaxBytes = bytes;
            return this;
        }

        /** @throws IllegalStateException if maxDelay is below initialDelay */
        public ReconnectPolicy build() {
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalStateException("maxDelay " + maxDelay + " is below initialDelay " + initialDelay);
            }
            return new ReconnectPolicy(this);
        }
    }
}
