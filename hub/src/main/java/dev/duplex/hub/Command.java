package dev.duplex.hub;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Work for the hub's writer thread. Publishes are batched into one commit; anything else runs after a flush.
 * While the store is unavailable (it failed to open), publishes and requests are answered with {@code internal};
 * actions still run (they need no store).
 */
sealed interface Command {

    /**
     * Store and fan out one message. {@code from} is null for server code, which gets {@code future} completed
     * instead of an ack. {@code key} (null if none) makes it idempotent: a publish whose key the topic remembers
     * is not stored again and is acked with the first one's seq (see {@link PublishKeys}).
     */
    record Publish(HubConnection from, String id, String topic, String data, boolean ack,
                   CompletableFuture<Published> future, String key) implements Command {
        Publish(HubConnection from, String id, String topic, String data, boolean ack,
                CompletableFuture<Published> future) {
            this(from, id, topic, data, ack, future, null);
        }
    }

    /**
     * A client's request other than publish (subscribe, unsubscribe), run on committed state; if the store is
     * unavailable, {@code from} gets an {@code internal} error for request {@code id} instead.
     */
    record Requested(HubConnection from, String id, Consumer<HubCore> body) implements Command {
    }

    /** Bookkeeping that no one waits for (disconnect, drain, expiry watch, a decided close), run on committed state. */
    record Action(Consumer<HubCore> body) implements Command {
    }
}
