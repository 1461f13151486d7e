package dev.duplex.hub;

import java.util.List;

/** Sends one JSON message to many hub connections, ideally encoding it once. Called on the writer thread. */
interface Fanout {

    void deliver(List<HubConnection> targets, String json);

    /** One send per target: for tests and before a server is attached. */
    Fanout DIRECT = (targets, json) -> {
        for (HubConnection c : targets) {
            c.out().send(json);
        }
    };
}
