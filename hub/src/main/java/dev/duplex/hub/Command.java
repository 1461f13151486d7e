package dev.duplex.hub;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Work for the hub's writer thread. Publishes are batched into one commit; anything else runs after a flush. */
sealed interface Command {

    /**
     * Store and fan out one message. {@code from} is null for server code, which gets {@code future} completed
     * instead of an ack.
     */
    record Publish(HubConnection from, String id, String topic, String data, boolean ack,
                   CompletableFuture<Published> future) implements Command {
    }

    /** Anything else (subscribe, unsubscribe, disconnect, drain), run on committed state. */
    record Action(Consumer<HubCore> body) implements Command {
    }
}
