package dev.duplex.hub;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The publish keys a single-node hub remembers, so that a publish retried with the same {@code key} on the same
 * topic is not stored twice: each key maps to the seq and timestamp its first publish got. A key is forgotten
 * {@link #WINDOW} after it was remembered, or earlier when more than {@code maxKeys} keys (all topics together)
 * are remembered (the oldest first), so memory stays bounded. Writer thread only.
 *
 * <p>With several nodes the same rule runs inside Redis instead (see {@link RedisSharedLog}).
 */
final class PublishKeys {
    /** How long a key is remembered after its first publish. */
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** Keys remembered at most by one node's hub, all topics together (up to about 250 bytes each). */
    static final int MAX_KEYS = 100_000;
    /** Keys remembered at most per topic in Redis. */
    static final int MAX_KEYS_PER_TOPIC_SHARED = 10_000;
    static final int MAX_LENGTH = 64;

    /** What the first publish of a key got. */
    record Original(long seq, long timestamp) {
    }

    private record Remembered(long seq, long timestamp, long atMillis) {
    }

    private final long windowMillis;
    private final int maxKeys;
    /** "topic key" → first publish, in the order remembered (so the oldest are first). */
    private final LinkedHashMap<String, Remembered> keys = new LinkedHashMap<>();

    PublishKeys(Duration window, int maxKeys) {
        this.windowMillis = window.toMillis();
        this.maxKeys = maxKeys;
    }

    /** The rule for keys: 1-64 characters of {@code [A-Za-z0-9._:-]}. */
    static boolean isValid(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** What the first publish of {@code key} on {@code topic} got, or null if the key is not remembered (any more). */
    Original find(String topic, String key, long nowMillis) {
        expire(nowMillis);
        Remembered r = keys.get(entry(topic, key));
        return r == null ? null : new Original(r.seq, r.timestamp);
    }

    /** Remembers the first publish of {@code key} on {@code topic}. */
    void remember(String topic, String key, long seq, long timestamp, long nowMillis) {
        keys.put(entry(topic, key), new Remembered(seq, timestamp, nowMillis));
        Iterator<Remembered> oldest = keys.values().iterator();
        while (keys.size() > maxKeys) {
            oldest.next();
            oldest.remove();
        }
    }

    /** Forgets a key whose publish was not stored after all (the commit failed). */
    void forget(String topic, String key) {
        keys.remove(entry(topic, key));
    }

    int size() {
        return keys.size();
    }

    private void expire(long nowMillis) {
        long oldestKept = nowMillis - windowMillis;
        for (Iterator<Map.Entry<String, Remembered>> it = keys.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().atMillis >= oldestKept) {
                return;
            }
            it.remove();
        }
    }

    private static String entry(String topic, String key) {
        return topic + ' ' + key;
    }
}
