package dev.duplex.net;

import java.util.List;

/**
 * Whether a {@link WebSocketServer}'s event loops are turning, from {@link WebSocketServer#health()}. A loop is
 * <em>stalled</em> when a task the watchdog handed it has not run within the stall threshold (a callback that
 * blocks, an endless loop), and <em>dead</em> when its thread ended while the server runs. A stalled loop may
 * recover; a dead one does not, and its connections are no longer served. Immutable.
 *
 * @param healthy      true when every loop turns (and always before start and after stop)
 * @param stalledLoops loops that stopped turning now
 * @param deadLoops    loops whose thread ended
 * @param problems     one line per stalled or dead loop (its thread name and what it is doing); empty if healthy
 */
public record ServerHealth(boolean healthy, int stalledLoops, int deadLoops, List<String> problems) {
    public ServerHealth {
        problems = List.copyOf(problems);
    }

    static final ServerHealth HEALTHY = new ServerHealth(true, 0, 0, List.of());
}
