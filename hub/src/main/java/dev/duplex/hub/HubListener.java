package dev.duplex.hub;

/**
 * Observes a {@link Hub}: committed messages and presence changes. Every method has an empty default.
 *
 * <p><b>Threading:</b> called on the hub's single writer thread, in commit order (a message's
 * {@code onMessage} comes after it is stored and before or while it is fanned out). Calls never overlap.
 * Implementations must be quick and must not block: every publish and subscribe of the hub waits behind them.
 * Hand longer work to your own executor. Calling {@link Hub#publish} from a listener is allowed (it is queued).
 *
 * <p><b>Errors:</b> an exception thrown by a listener is counted in {@link HubMetrics#errors()} and otherwise
 * ignored; it affects neither the message nor other listeners.
 */
public interface HubListener {

    /** A message was committed on {@code message.topic()}. */
    default void onMessage(HubMessage message) {
    }

    /** {@code member} subscribed to {@code topic}. */
    default void onJoin(String topic, Member member) {
    }

    /** {@code member} unsubscribed from {@code topic}, disconnected, or was closed as a slow consumer. */
    default void onLeave(String topic, Member member) {
    }
}
