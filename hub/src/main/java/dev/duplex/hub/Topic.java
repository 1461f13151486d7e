package dev.duplex.hub;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One topic's state. Sequencing fields and the live set belong to the writer thread; {@code lastSeq} and the
 * member set may be read from any thread (for {@link Hub#topics()} and {@link Hub#members}).
 */
final class Topic {
    final String name;
    /** Last sequence number given (committed once the writer's batch is flushed). */
    volatile long lastSeq;
    /** Last sequence number known to be committed. Writer thread. */
    long committedSeq;
    /** Timestamp of the newest message; timestamps never go backwards within a topic. Writer thread. */
    long lastTimestamp;
    /** Whether messages were stored since the last count-based prune. Writer thread. */
    boolean prunePending;
    /** Whether the store may hold a row or messages of this topic (it was loaded or got a commit). Writer thread. */
    boolean inStore;
    /** With a shared log: whether this node receives the topic's messages from it. Writer thread. */
    boolean busSubscribed;
    /**
     * With a shared log: the topic's members on every node by session, read from the registry once, then kept by
     * this node's joins and leaves and the other nodes' presence events; null when it must be read again (before
     * the first subscribe, after the link to Redis broke or resubscribed, and at each member sweep). Writer thread.
     */
    Map<String, Member> clusterMembers;

    /** Every subscriber, live or still replaying. */
    final Set<HubConnection> members = ConcurrentHashMap.newKeySet();
    /** Subscribers that receive new messages as they are published (caught up). Writer thread. */
    private final Set<HubConnection> live = new LinkedHashSet<>();
    private List<HubConnection> liveSnapshot = List.of();
    private boolean liveChanged;

    Topic(String name, long lastSeq, long lastTimestamp) {
        this.name = name;
        this.lastSeq = lastSeq;
        this.committedSeq = lastSeq;
        this.lastTimestamp = lastTimestamp;
    }

    void addLive(HubConnection c) {
        if (live.add(c)) {
            liveChanged = true;
        }
    }

    void removeLive(HubConnection c) {
        if (live.remove(c)) {
            liveChanged = true;
        }
    }

    /** The live subscribers; an immutable list rebuilt only after a change, so fan-out allocates nothing here. */
    List<HubConnection> live() {
        if (liveChanged) {
            liveSnapshot = List.copyOf(new ArrayList<>(live));
            liveChanged = false;
        }
        return liveSnapshot;
    }
}
