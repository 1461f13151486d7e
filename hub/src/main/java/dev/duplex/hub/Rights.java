package dev.duplex.hub;

import java.util.List;

/** Which topics a connection may publish to and subscribe to. Immutable. */
record Rights(List<TopicPattern> publish, List<TopicPattern> subscribe) {

    /** Everything: used when the hub requires no token. */
    static final Rights ALL = new Rights(List.of(new TopicPattern("*")), List.of(new TopicPattern("*")));

    Rights {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
    }

    boolean canPublish(String topic) {
        return anyMatches(publish, topic);
    }

    boolean canSubscribe(String topic) {
        return anyMatches(subscribe, topic);
    }

    private static boolean anyMatches(List<TopicPattern> patterns, String topic) {
        for (TopicPattern p : patterns) {
            if (p.matches(topic)) {
                return true;
            }
        }
        return false;
    }
}
