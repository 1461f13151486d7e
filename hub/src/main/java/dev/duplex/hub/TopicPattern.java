package dev.duplex.hub;

/**
 * One entry of a token's {@code publish} or {@code subscribe} claim: {@code *} matches every topic,
 * {@code prefix.*} every topic starting with {@code prefix.}, anything else exactly that topic.
 */
record TopicPattern(String pattern) {

    boolean matches(String topic) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            return topic.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(topic);
    }
}
