package dev.duplex.app.bench;

import java.net.URI;
import java.time.Duration;

/**
 * A validated description of one attack run ({@link Mode#attack()}), made by {@link BenchCommand}. Immutable.
 *
 * @param url         the ws:// URL every connection attacks
 * @param mode        slowread, partial, slowloris or flood
 * @param connections attacking connections, all opened as fast as {@code concurrency} allows and kept attacking
 * @param size        slowread, flood: payload bytes per frame; partial: the payload length the frame header
 *                    announces (all but its last byte are sent)
 * @param text        slowread, flood: text frames rather than binary
 * @param duration    how long the attack lasts, from the first connection attempt; it ends earlier once the server
 *                    has ended every connection
 * @param rate        slowread, flood: frames per second over all connections; 0 = as fast as the sockets take them
 * @param timeout     how long a TCP connect, or an answer to a complete upgrade request, may take
 * @param interval    slowloris: time between two writes of {@link SlowlorisHead#STEP} bytes
 * @param read        flood: read (and drop) what the server sends; slowread never reads, partial and slowloris
 *                    always read (to see how the server ends them)
 * @param threads     selector loops
 * @param concurrency connection attempts in progress at once
 * @param sources     local addresses to bind, or none
 */
record AttackPlan(URI url, Mode mode, int connections, int size, boolean text, Duration duration, long rate,
                  Duration timeout, Duration interval, boolean read, int threads, int concurrency,
                  SourceAddresses sources) {

    /** Whether the connections of this plan read from the server once upgraded. */
    boolean readsAfterUpgrade() {
        return switch (mode) {
            case SLOWREAD -> false;
            case FLOOD -> read;
            default -> true;
        };
    }
}
