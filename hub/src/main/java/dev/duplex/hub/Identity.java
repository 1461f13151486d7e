package dev.duplex.hub;

/**
 * Who connected, as decided at the handshake: the display name asked for (null = let the hub pick
 * {@code guest-<id>}) and the rights. Travels from the accept hook to the endpoint as the session attachment.
 */
record Identity(String name, Rights rights) {
}
