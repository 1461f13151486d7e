package dev.duplex.net;

/**
 * A message the application sent and the connection has not taken yet: UTF-8 text or binary, already copied
 * (the application may reuse its buffer as soon as {@code send} returns). Immutable.
 */
record OutgoingMessage(boolean text, byte[] payload) {
    int length() {
        return payload.length;
    }
}
