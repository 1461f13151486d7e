package dev.duplex.hub;

/**
 * Who connected, as decided at the handshake: the display name asked for (null = let the hub pick
 * {@code guest-<id>}), the rights, and when the connection must be closed because its token expired
 * ({@code closeAtMillis}: the token's {@code exp} plus the leeway, epoch milliseconds; 0 = never). Travels from
 * the accept hook to the endpoint as the session attachment.
 */
record Identity(String name, Rights rights, long closeAtMillis) {

    Identity(String name, Rights rights) {
        this(name, rights, 0);
    }
}
