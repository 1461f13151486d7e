package dev.duplex.bench.servers;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Broadcast members grouped by request path ({@code /broadcast}, {@code /broadcast/a}, ...), so each topic is a
 * separate audience. Thread-safe; an emptied topic is kept (topics are few in the benchmarks).
 *
 * @param <S> a server library's session or connection type
 */
final class Topics<S> {
    private final Map<String, Set<S>> byPath = new ConcurrentHashMap<>();

    /** Whether {@code path} is a broadcast path this benchmark serves. */
    static boolean isBroadcastPath(String path) {
        return path.equals("/broadcast") || path.startsWith("/broadcast/");
    }

    /** Adds {@code member} to the audience of {@code path} and returns that audience (a live view). */
    Collection<S> join(String path, S member) {
        Set<S> members = byPath.computeIfAbsent(path, p -> ConcurrentHashMap.newKeySet());
        members.add(member);
        return members;
    }

    void leave(String path, S member) {
        Set<S> members = byPath.get(path);
        if (members != null) {
            members.remove(member);
        }
    }
}
