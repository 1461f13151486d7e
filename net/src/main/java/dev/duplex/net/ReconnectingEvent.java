package dev.duplex.net;

import java.time.Duration;
import java.util.Objects;

/**
 * The connection was lost (or an attempt failed) and another attempt is scheduled, because a
 * {@link ReconnectPolicy} is set. {@link WebSocket#readyState()} is {@link WebSocket#CONNECTING} again;
 * messages sent now are queued, within the policy's bound, and flushed in order once reconnected.
 *
 * @param target  the socket
 * @param attempt the number of the attempt about to be made, 1 for the first retry
 * @param delay   how long until that attempt starts (backoff with jitter)
 * @param cause   why the previous connection ended or attempt failed; never null
 */
public record ReconnectingEvent(WebSocket target, int attempt, Duration delay, Throwable cause)
        implements WebSocketEvent {
    public ReconnectingEvent {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(cause, "cause");
    }
}
