package dev.duplex.hub;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The hub's one Jackson {@link ObjectMapper} (default settings; thread-safe once built), built on first use.
 * Building it loads some 400 classes, 100-250 ms on a cold JVM, so building a hub does not do it: the writer
 * thread asks for it first, while the caller goes on to bind the server. The holder class's initialization makes
 * this thread-safe; an event loop that parses a request while the mapper is still being built waits for it, which
 * can only happen in the first moments after start-up.
 */
final class LazyMapper {
    private LazyMapper() {
    }

    static ObjectMapper get() {
        return Holder.MAPPER;
    }

    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
