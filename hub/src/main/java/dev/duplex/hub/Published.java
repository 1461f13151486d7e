package dev.duplex.hub;

/**
 * The outcome of a successful publish: the topic, the sequence number the hub gave the message (per topic, from
 * 1, never reused) and its timestamp in epoch milliseconds. The message was committed to the store before this
 * was produced.
 */
public record Published(String topic, long seq, long timestamp) {
}
