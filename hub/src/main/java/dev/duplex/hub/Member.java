package dev.duplex.hub;

import java.util.Objects;

/**
 * A participant as the hub shows it: {@code session} is the hub-assigned connection id ({@code "s17"}, or
 * {@code "server"} for messages published by server code), {@code name} the display name. Immutable.
 */
public record Member(String session, String name) {

    /** The author of messages published with {@link Hub#publish}. */
    public static final Member SERVER = new Member("server", "server");

    public Member {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(name, "name");
    }
}
