package dev.duplex.hub;

import java.util.concurrent.atomic.LongAdder;

/** The hub's metrics counters; thread-safe. */
final class Counters {
    final LongAdder connections = new LongAdder();
    final LongAdder published = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder stored = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder slowConsumersClosed = new LongAdder();
    final LongAdder topicsReclaimed = new LongAdder();
    final LongAdder topicCreationsRefused = new LongAdder();
    final LongAdder tokenExpiriesClosed = new LongAdder();
    final LongAdder duplicatePublishes = new LongAdder();
}
