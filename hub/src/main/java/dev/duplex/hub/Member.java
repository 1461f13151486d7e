package dev.duplex.hub;

import java.util.Objects;

/**
 * A participant as the hub shows it: {@code session} is the hub-assigned connection id ({@code "sk3x9qa-17"}: a
 * random prefix per hub start and a counter, so ids do not repeat across restarts), or {@code "server"} for
 * messages published by server code; {@code name} is the display name. Immutable.
 */
public record Member(String session, String name) {

    /** The author of messages published with {@link Hub#publish}. */
    public static final Member SERVER = new Member("server", "server");

    public Member {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(name, "name");
    }
}
