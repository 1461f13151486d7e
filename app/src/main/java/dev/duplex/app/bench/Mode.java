package dev.duplex.app.bench;

/** What {@code duplex bench} measures, or (the attack modes) how it attacks a server to see whether it sheds load. */
enum Mode {
    /** Every connection keeps K messages in flight to an echo endpoint; latency is the round trip. */
    ECHO,
    /** Publishers send to a broadcast endpoint that N subscribers listen to; latency is publish to delivery. */
    FANOUT,
    /** Opens N connections, holds them, closes them; measures how fast connections open. */
    CONNECT,
    /**
     * Publishers publish JSON messages on a topic of the duplex hub ({@code /hub}), N subscribers subscribe to it,
     * possibly on several nodes; latency is publish to delivery, and every subscriber's topic seqs are checked.
     */
    HUB,
    /** Attack: upgrades, then writes frames of {@code --size} bytes and never reads what comes back. */
    SLOWREAD,
    /** Attack: upgrades, writes a frame header announcing {@code --size} bytes and all but the last, then waits. */
    PARTIAL,
    /** Attack: trickles an upgrade request head a few bytes at a time and never ends it. */
    SLOWLORIS,
    /** Attack: upgrades, then writes frames as fast as the socket takes them (reading and dropping the replies). */
    FLOOD;

    /** True for the modes that attack the server ({@link AttackRun}) rather than measure it ({@link Bench}). */
    boolean attack() {
        return ordinal() >= SLOWREAD.ordinal();
    }
}
