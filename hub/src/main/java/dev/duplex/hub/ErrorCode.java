package dev.duplex.hub;

import java.util.Locale;

/** The {@code code} of an {@code error} message; {@link #wire()} is the lower-case name sent. */
enum ErrorCode {
    BAD_REQUEST, UNKNOWN_TYPE, INVALID_TOPIC, TOO_LARGE, RATE_LIMITED, TOPIC_RATE_LIMITED, TOO_MANY_TOPICS, FORBIDDEN, NOT_SUBSCRIBED,
    OVERLOADED, INTERNAL, UNAVAILABLE;

    private final String wire = name().toLowerCase(Locale.ROOT);

    String wire() {
        return wire;
    }
}
