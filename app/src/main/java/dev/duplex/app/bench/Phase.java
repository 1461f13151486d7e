package dev.duplex.app.bench;

/** The stages of a run, in order; {@link Bench} moves every loop from one to the next. */
enum Phase {
    /** Connections are being opened; nothing is sent. */
    CONNECT,
    /** Fanout and hub only: a publisher sends probes until every subscriber has received one (is a member). */
    JOIN,
    /** Load runs but is not counted. */
    WARMUP,
    /** Load runs and is counted. */
    MEASURE,
    /** Hub mode, after the window: publishers send nothing more; what is in flight may still arrive, uncounted. */
    DRAIN,
    /** Connect mode: connections stay open, idle. */
    HOLD,
    /** Sending stops; the loops close their connections and end. */
    STOP
}
