package dev.duplex.hub;

/** A connection catching up on a topic from the store: everything after {@code cursor} is still to be sent. */
final class Replay {
    final Topic topic;
    long cursor;

    Replay(Topic topic, long cursor) {
        this.topic = topic;
        this.cursor = cursor;
    }
}
