package dev.duplex.app.bench;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Failures counted by kind, with the first few distinct messages kept as examples for the report. Thread-safe:
 * every loop records into the same log (failures are rare, so a lock on the examples costs nothing that matters).
 */
final class ErrorLog {
    static final int MAX_EXAMPLES = 8;

    private final AtomicLongArray counts = new AtomicLongArray(ErrorKind.values().length);
    private final Map<String, Long> examples = new LinkedHashMap<>();

    void record(ErrorKind kind, String message) {
        counts.incrementAndGet(kind.ordinal());
        String key = kind.key() + ": " + message;
        synchronized (examples) {
            if (examples.containsKey(key) || examples.size() < MAX_EXAMPLES) {
                examples.merge(key, 1L, Long::sum);
            }
        }
    }

    long count(ErrorKind kind) {
        return counts.get(kind.ordinal());
    }

    long total() {
        long sum = 0;
        for (int i = 0; i < counts.length(); i++) {
            sum += counts.get(i);
        }
        return sum;
    }

    Map<ErrorKind, Long> byKind() {
        Map<ErrorKind, Long> result = new EnumMap<>(ErrorKind.class);
        for (ErrorKind kind : ErrorKind.values()) {
            result.put(kind, count(kind));
        }
        return result;
    }

    /** Up to {@value #MAX_EXAMPLES} distinct "kind: message" texts with how often each occurred. */
    Map<String, Long> examples() {
        synchronized (examples) {
            return new LinkedHashMap<>(examples);
        }
    }
}
