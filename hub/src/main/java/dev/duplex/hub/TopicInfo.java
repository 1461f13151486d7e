package dev.duplex.hub;

/**
 * A snapshot of one topic: its name, the last sequence number given (0 = no message yet) and how many
 * connections are subscribed.
 */
public record TopicInfo(String name, long lastSeq, int members) {
}
