package dev.duplex.hub;

/**
 * One stored and delivered message, as {@link HubListener#onMessage} sees it.
 *
 * @param topic     the topic name
 * @param seq       the per-topic sequence number (1, 2, 3, ...)
 * @param timestamp server time in epoch milliseconds (never decreasing within a topic)
 * @param from      who published it ({@link Member#SERVER} for {@link Hub#publish})
 * @param data      the message's {@code data} as compact JSON text
 */
public record HubMessage(String topic, long seq, long timestamp, Member from, String data) {
}
