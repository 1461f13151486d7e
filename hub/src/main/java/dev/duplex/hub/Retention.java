package dev.duplex.hub;

import java.time.Duration;

/** How much history each topic keeps: at most {@code maxMessages}, none older than {@code maxAge}. */
record Retention(int maxMessages, Duration maxAge) {

    Retention {
        if (maxMessages < 0) {
            throw new IllegalArgumentException("maxMessages must be >= 0, was " + maxMessages);
        }
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative, was " + maxAge);
        }
    }

    /** The oldest timestamp still kept at {@code nowMillis}. */
    long minTimestamp(long nowMillis) {
        return nowMillis - maxAge.toMillis();
    }
}
