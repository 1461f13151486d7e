package dev.duplex.app.bench;

import java.net.URI;
import java.time.Duration;

/**
 * A validated description of one run, made by {@link BenchCommand} from the command line. Immutable.
 *
 * @param url             the ws:// URL every connection opens
 * @param mode            what to measure
 * @param connections     echo: connections; fanout: subscribers; connect: connections to open
 * @param inFlight        echo: messages in flight per connection; fanout: messages in flight per publisher
 * @param size            payload bytes per message
 * @param text            text frames (ASCII payload) rather than binary
 * @param duration        the measured window of a timed run; ignored when {@code messages > 0}
 * @param messages        a counted run: exactly this many messages (echo: round trips; fanout: published); 0 = timed
 * @param warmup          load before the measured window, not counted
 * @param publishers      fanout: publisher connections
 * @param rate            messages per second over all connections (publishers in fanout); 0 = as fast as possible
 * @param timeout         how long a connection attempt or an in-flight message may take before it counts as failed
 * @param hold            connect: how long to keep the connections open
 * @param threads         selector loops
 * @param concurrency     connection attempts in progress at once
 * @param sources         local addresses to bind, or none
 * @param serverPid       the server's process id to sample CPU of, or 0
 */
record BenchPlan(URI url, Mode mode, int connections, int inFlight, int size, boolean text, Duration duration,
                 long messages, Duration warmup, int publishers, long rate, Duration timeout, Duration hold,
                 int threads, int concurrency, SourceAddresses sources, long serverPid) {

    /** Every connection the run opens: subscribers and publishers in fanout. */
    int totalConnections() {
        return mode == Mode.FANOUT ? connections + publishers : connections;
    }

    boolean counted() {
        return messages > 0;
    }
}
