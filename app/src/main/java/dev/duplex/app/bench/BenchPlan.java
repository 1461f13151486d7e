package dev.duplex.app.bench;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A validated description of one run, made by {@link BenchCommand} from the command line. Immutable.
 *
 * @param url             the first target URL
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
 * @param urls            every target URL (the first is {@code url}): connections (subscribers in fanout and hub
 *                        mode) are spread over them round robin
 * @param publishUrl      fanout and hub: the URL the publishers open
 * @param topic           hub: the topic published and subscribed to
 * @param ack             hub: publish with {@code "ack":true} and wait for the acks too
 */
record BenchPlan(URI url, Mode mode, int connections, int inFlight, int size, boolean text, Duration duration,
                 long messages, Duration warmup, int publishers, long rate, Duration timeout, Duration hold,
                 int threads, int concurrency, SourceAddresses sources, long serverPid, List<URI> urls,
                 URI publishUrl, String topic, boolean ack) {

    BenchPlan {
        urls = List.copyOf(urls);
    }

    /** Whether the run has publishers and subscribers (fanout, hub). */
    boolean publishing() {
        return mode == Mode.FANOUT || mode == Mode.HUB;
    }

    /** Every connection the run opens: subscribers and publishers in fanout and hub mode. */
    int totalConnections() {
        return publishing() ? connections + publishers : connections;
    }

    /** The URL connection number {@code index} opens: publishers {@link #publishUrl}, the others round robin. */
    URI urlFor(int index) {
        if (publishing() && index >= connections) {
            return publishUrl;
        }
        return urls.get(index % urls.size());
    }

    boolean counted() {
        return messages > 0;
    }
}
