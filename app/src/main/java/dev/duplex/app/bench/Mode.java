package dev.duplex.app.bench;

/** What {@code duplex bench} measures. */
enum Mode {
    /** Every connection keeps K messages in flight to an echo endpoint; latency is the round trip. */
    ECHO,
    /** Publishers send to a broadcast endpoint that N subscribers listen to; latency is publish to delivery. */
    FANOUT,
    /** Opens N connections, holds them, closes them; measures how fast connections open. */
    CONNECT
}
