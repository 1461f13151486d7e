package dev.duplex.hub;

/** A message as stored: topic, seq, timestamp, author and the compact JSON of its data. Immutable. */
record StoredMessage(String topic, long seq, long timestamp, String fromSession, String fromName, String data) {

    HubMessage toHubMessage() {
        return new HubMessage(topic, seq, timestamp, new Member(fromSession, fromName), data);
    }

    /** Rough size in memory and on the wire, for replay budgets. */
    int approximateBytes() {
        return 96 + topic.length() + fromSession.length() + fromName.length() + data.length();
    }
}
