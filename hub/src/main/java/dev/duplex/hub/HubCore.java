package dev.duplex.hub;

import dev.duplex.core.CloseCodes;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The hub's state machine: topics, sequencing, storage, presence, replay and fan-out. Everything except
 * {@link #sendError} and the read-only views runs on the writer thread, one command at a time, so the order in
 * which it sends to a connection is the order the connection sees (the loop's task queue keeps it).
 *
 * <p>Resume without duplicates or holes: a subscriber with {@code since}/{@code history} is not live; it is fed
 * from the store in chunks (one chunk per drain of its outbound buffer), each chunk reading up to the topic's
 * newest committed message, and becomes live in the same step that finds it caught up. Because publishing and
 * replay both happen on this thread, every seq reaches it exactly once, in order.
 *
 * <p>With a {@link SharedLog} (several nodes over Redis), the log gives the seqs instead: publishes are sent to it
 * and acked once it confirmed, and every message, this node's included, is delivered when it comes back from the
 * log on this thread. {@code committedSeq} is then the last seq delivered here; replays stop there, so the same
 * argument holds.
 */
final class HubCore {
    static final int REPLAY_CHUNK_BYTES = 256 * 1024;
    static final int REPLAY_READ = 128;
    static final long AGE_PRUNE_INTERVAL_MILLIS = 60_000;
    /** Close code for a connection whose token expired (an application code: reconnect with a fresh token). */
    static final int TOKEN_EXPIRED = 4001;
    /** Bound on the messages from a shared log queued for the writer; beyond it they are re-read from the log. */
    static final int MAX_SHARED_QUEUED = 65_536;
    /** How often a node looks for members of dead nodes on its shared topics. */
    static final long DEAD_MEMBER_SWEEP_MILLIS = 2_000;

    private final MessageStore store;
    private final Retention retention;
    private final HubLimits limits;
    private final Clock clock;
    private final Fanout fanout;
    private final Replies replies;
    private final Counters counters;
    private final Consumer<Throwable> errorHandler;
    private final SeqHighWater seqs;
    /** Queues a control command on the writer; false if the hub is closing. Set once by the hub. */
    private volatile Predicate<Command> control = c -> false;
    /** Open connections whose token expires, soonest first. Writer thread. */
    private final TreeSet<HubConnection> expiring = new TreeSet<>(
            Comparator.comparingLong((HubConnection c) -> c.closeAtMillis).thenComparing(c -> c.member().session()));
    final List<HubListener> listeners = new CopyOnWriteArrayList<>();
    final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();

    /** With several nodes: the log in Redis that numbers, keeps and carries messages; null on a single node. */
    private SharedLog shared;
    /** With {@link #shared}: the log's answers to the pending publishes, in the same order. Writer thread. */
    private final List<CompletableFuture<SharedLog.Appended>> pendingAppends = new ArrayList<>();
    /** Shared topics this node may have missed messages of; caught up on the writer's tick. Any thread adds. */
    private final Set<String> behind = ConcurrentHashMap.newKeySet();
    /** Messages from the shared log waiting for the writer; above {@link #MAX_SHARED_QUEUED} their topic is marked behind. */
    private final AtomicInteger sharedQueued = new AtomicInteger();
    private final List<Command.Publish> pendingCommands = new ArrayList<>();
    private final List<StoredMessage> pendingMessages = new ArrayList<>();
    /** Per pending publish: the first publish of its key if it is a duplicate (then its message is null), else null. */
    private final List<PublishKeys.Original> pendingDuplicates = new ArrayList<>();
    /** On a single node: the keys of recent keyed publishes. Writer thread. */
    private final PublishKeys publishKeys = new PublishKeys(PublishKeys.WINDOW, PublishKeys.MAX_KEYS);
    private final Set<Topic> touched = new LinkedHashSet<>();
    private long lastAgePrune;
    private long lastDeadMemberSweep;

    HubCore(MessageStore store, Retention retention, HubLimits limits, Clock clock, Fanout fanout, Replies replies,
            Counters counters, Consumer<Throwable> errorHandler, SeqHighWater seqs) {
        this.store = store;
        this.retention = retention;
        this.limits = limits;
        this.clock = clock;
        this.fanout = fanout;
        this.replies = replies;
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.seqs = seqs;
    }

    /** Where {@link #closeAfterCommitted} queues its close; the hub sets it once, before any connection. */
    void control(Predicate<Command> submitControl) {
        this.control = submitControl;
    }

    /**
     * Makes this hub a cluster member: {@code log} numbers, keeps and carries the messages instead of the store.
     * Set once by the hub, before the writer starts.
     */
    void sharedLog(SharedLog log) {
        this.shared = log;
    }

    // ------------------------------------------------------------------------------------- any thread

    /**
     * Sends an error reply; a connection that provokes too many is closed with 1008 (after the acks of what it
     * had committed already: see {@link #closeAfterCommitted}); {@code unavailable} does not count. Any
     * thread.
     */
    void sendError(HubConnection c, String id, ErrorCode code, String message) {
        counters.errors.increment();
        c.out().send(replies.error(id, code, message));
        // Redis away is no abuse: a client retrying through the outage, as told, must not be closed for it
        if (code != ErrorCode.UNAVAILABLE && !c.errors.tryTake(System.nanoTime())) {
            closeAfterCommitted(c, CloseCodes.POLICY_VIOLATION, "too many errors");
        }
    }

    /**
     * Closes {@code c} with {@code code} once everything it sent before is handled: from now on its requests are
     * ignored, and the close is queued on the writer behind its publishes, so every publish that is committed
     * gets its ack (and reaches subscribers) before the close frame. Only the first call counts. Any thread.
     */
    void closeAfterCommitted(HubConnection c, int code, String reason) {
        if (!c.closing.compareAndSet(false, true)) {
            return;
        }
        if (!control.test(new Command.Action(hub -> hub.closeNow(c, code, reason)))) {
            c.out().close(code, reason); // the hub is closing: nothing more will be committed
        }
    }

    // ------------------------------------------------------------------------------------- writer thread

    /**
     * Opens the store and loads each topic's last seq: the writer thread's first job, before any command.
     *
     * @throws HubException ({@code internal}) if the store cannot be opened or read
     */
    void open() {
        store.open();
        List<MessageStore.TopicState> loaded = store.loadTopics();
        long maxLoaded = 0;
        for (MessageStore.TopicState s : loaded) {
            maxLoaded = Math.max(maxLoaded, s.lastSeq());
        }
        long raise = seqs.open(store.storeId(), maxLoaded);
        for (MessageStore.TopicState s : loaded) {
            Topic t = new Topic(s.topic(), Math.max(raise, s.lastSeq()), s.lastTimestamp());
            t.inStore = true;
            topics.put(s.topic(), t);
            if (t.lastSeq > s.lastSeq()) {
                store.saveLastSeq(t.name, t.lastSeq); // an accepted replaced store: its topics continue above too
            }
        }
        store.commit();
        lastAgePrune = clock.millis();
        if (shared != null) {
            shared.open(new SharedLog.Events() {
                @Override
                public void message(StoredMessage m) {
                    if (sharedQueued.incrementAndGet() > MAX_SHARED_QUEUED) {
                        sharedQueued.decrementAndGet();
                        behind.add(m.topic()); // the writer is far behind: the tick re-reads it from the log
                        return;
                    }
                    if (!control.test(new Command.Action(core -> core.sharedMessage(m)))) {
                        sharedQueued.decrementAndGet();
                    }
                }

                @Override
                public void subscribed(String topic) {
                    control.test(new Command.Action(core -> core.sharedResubscribed(topic)));
                }

                @Override
                public void disconnected() {
                    control.test(new Command.Action(HubCore::sharedDisconnected));
                }

                @Override
                public void presence(String topic, boolean joined, Member member) {
                    control.test(new Command.Action(core -> core.sharedPresence(topic, joined, member)));
                }
            });
        }
    }

    /** Gives the message its seq and writes it into the open transaction; {@link #flush} commits and delivers. */
    void append(Command.Publish p) {
        Topic t = topics.get(p.topic());
        if (t == null) {
            ErrorCode refused = mayCreateTopic(p.from());
            if (refused != null) {
                refuse(p, refused, refusal(refused));
                return;
            }
            t = createTopic(p.topic());
        }
        if (shared != null) {
            appendShared(p);
            return;
        }
        long now = clock.millis();
        if (p.key() != null) {
            PublishKeys.Original first = publishKeys.find(t.name, p.key(), now);
            if (first != null) {
                pendingCommands.add(p); // acked with the first one's seq once that is committed (it may be in this batch)
                pendingMessages.add(null);
                pendingDuplicates.add(first);
                return;
            }
        }
        long ts = Math.max(now, t.lastTimestamp);
        long seq = t.lastSeq + 1;
        Member from = p.from() == null ? Member.SERVER : p.from().member();
        StoredMessage m = new StoredMessage(t.name, seq, ts, from.session(), from.name(), p.data());
        try {
            seqs.beforeAssigning(seq);
            store.append(m);
        } catch (RuntimeException e) {
            counters.errors.increment();
            errorHandler.accept(e);
            refuse(p, ErrorCode.INTERNAL, "the message could not be stored");
            return;
        }
        t.lastSeq = seq;
        t.lastTimestamp = ts;
        touched.add(t);
        pendingCommands.add(p);
        pendingMessages.add(m);
        pendingDuplicates.add(null);
        if (p.key() != null) {
            publishKeys.remember(t.name, p.key(), seq, ts, now);
        }
    }

    /** Commits the appended messages, then acks them, tells listeners and fans them out, in seq order. */
    void flush() {
        if (shared != null) {
            flushShared();
            return;
        }
        if (pendingMessages.isEmpty()) {
            return;
        }
        try {
            for (Topic t : touched) {
                store.saveLastSeq(t.name, t.lastSeq);
            }
            store.commit();
        } catch (RuntimeException e) {
            counters.errors.increment();
            errorHandler.accept(e);
            try {
                store.rollback();
            } catch (RuntimeException again) {
                errorHandler.accept(again);
            }
            for (Topic t : touched) {
                t.lastSeq = t.committedSeq;
            }
            for (int i = 0; i < pendingCommands.size(); i++) {
                Command.Publish p = pendingCommands.get(i);
                if (p.key() != null && pendingDuplicates.get(i) == null) {
                    publishKeys.forget(p.topic(), p.key());
                }
            }
            for (Command.Publish p : pendingCommands) {
                refuse(p, ErrorCode.INTERNAL, "the message could not be stored");
            }
            clearPending();
            return;
        }
        for (Topic t : touched) {
            t.committedSeq = t.lastSeq;
            t.prunePending = true;
            t.inStore = true;
        }
        for (int i = 0; i < pendingMessages.size(); i++) {
            Command.Publish p = pendingCommands.get(i);
            StoredMessage m = pendingMessages.get(i);
            if (m == null) {
                PublishKeys.Original first = pendingDuplicates.get(i);
                duplicate(p, first.seq(), first.timestamp());
                continue;
            }
            counters.stored.increment();
            counters.published.increment();
            HubConnection from = p.from();
            if (from != null && p.ack() && !from.gone) {
                from.out().send(replies.ack(p.id(), m.topic(), m.seq(), m.timestamp()));
            }
            notifyMessage(m);
            deliverLive(topics.get(m.topic()), replies.message(m, false));
            if (p.future() != null) {
                p.future().complete(new Published(m.topic(), m.seq(), m.timestamp()));
            }
        }
        clearPending();
    }

    void subscribe(HubConnection c, Request.Subscribe r) {
        if (c.gone) {
            return;
        }
        if (c.topics.containsKey(r.topic())) {
            sendError(c, r.id(), ErrorCode.BAD_REQUEST, "already subscribed to " + r.topic());
            return;
        }
        if (c.topics.size() >= limits.maxTopicsPerConnection()) {
            sendError(c, r.id(), ErrorCode.TOO_MANY_TOPICS,
                    "at most " + limits.maxTopicsPerConnection() + " topics per connection");
            return;
        }
        Topic t = topics.get(r.topic());
        if (t == null) {
            ErrorCode refused = mayCreateTopic(c);
            if (refused != null) {
                sendError(c, r.id(), refused, refusal(refused));
                return;
            }
            t = createTopic(r.topic());
        }
        if (shared != null) {
            try {
                if (!t.busSubscribed) {
                    subscribeShared(t);
                } else if (r.since() != null && r.since() > t.committedSeq) {
                    // the client saw more on another node than this one delivered yet: catch up from the log
                    // first, or the messages on their way here would reach it twice (and seq look reset)
                    if (!catchUp(t, shared.lastSeq(t.name))) {
                        throw new HubException(ErrorCode.UNAVAILABLE.wire(), "Redis could not read the history of "
                                + t.name + " now");
                    }
                }
            } catch (RuntimeException e) {
                sendError(c, r.id(), ErrorCode.UNAVAILABLE, e.getMessage()); // counted there, once
                return;
            }
        }
        // with a shared log, this node's acks may run ahead of the messages it delivered: a live subscriber
        // starts after the last one delivered here, so the acked ones still on their way reach it too
        long current = shared != null ? t.committedSeq : t.lastSeq;
        Collection<Member> everywhere = shared != null ? sharedMembers(t) : null;
        c.topics.put(t.name, t);
        t.members.add(c);
        List<Member> shown = new ArrayList<>(Math.min(t.members.size(), limits.maxMembersShown()));
        if (everywhere != null) {
            for (Member m : everywhere) {
                if (shown.size() == limits.maxMembersShown() - 1) {
                    break;
                }
                shown.add(m);
            }
            shown.add(c.member());
        } else {
            for (HubConnection m : t.members) {
                if (shown.size() == limits.maxMembersShown()) {
                    break;
                }
                shown.add(m.member());
            }
        }
        c.out().send(replies.subscribed(r.id(), t.name, current, shown,
                everywhere != null ? everywhere.size() + 1 : t.members.size()));
        presence(t, "join", c);
        if (shared != null) {
            shared.join(t.name, c.member());
            if (t.clusterMembers != null) {
                t.clusterMembers.put(c.member().session(), c.member());
            }
        }
        for (HubListener l : listeners) {
            try {
                l.onJoin(t.name, c.member());
            } catch (RuntimeException e) {
                listenerFailed(e);
            }
        }
        long start = r.since() != null ? r.since()
                : r.history() != null ? Math.max(0, current - r.history()) : current;
        if (start >= current) {
            t.addLive(c);
        } else {
            c.replays.addLast(new Replay(t, start));
            if (!c.awaitingDrain) {
                pump(c);
            }
        }
    }

    void unsubscribe(HubConnection c, Request.Unsubscribe r) {
        if (c.gone) {
            return;
        }
        Topic t = c.topics.remove(r.topic());
        if (t == null) {
            sendError(c, r.id(), ErrorCode.NOT_SUBSCRIBED, "not subscribed to " + r.topic());
            return;
        }
        c.out().send(replies.unsubscribed(r.id(), t.name));
        leave(c, t);
    }

    /** The connection closed (or was closed as a slow consumer): it leaves every topic. Idempotent. */
    void disconnect(HubConnection c) {
        if (c.gone) {
            return;
        }
        c.gone = true;
        if (c.closeAtMillis != 0) {
            expiring.remove(c);
        }
        c.replays.clear();
        List<Topic> left = new ArrayList<>(c.topics.values());
        c.topics.clear();
        for (Topic t : left) {
            leave(c, t);
        }
    }

    /** The connection's outbound buffer drained: continue its replays. */
    void drained(HubConnection c) {
        if (!c.gone && c.awaitingDrain) {
            c.awaitingDrain = false;
            pump(c);
        }
    }

    /** Deletes what retention no longer keeps: by count for topics that got messages, by age every minute. */
    void prune() {
        if (shared != null) {
            // the shared log trims itself on every append; here, catch up the topics that may have missed messages,
            // renew this node's heartbeat and drop the members of nodes whose heartbeat expired
            for (String topic : List.copyOf(behind)) {
                behind.remove(topic);
                sharedResubscribed(topic);
            }
            shared.heartbeat();
            long now = clock.millis();
            if (now - lastDeadMemberSweep >= DEAD_MEMBER_SWEEP_MILLIS) {
                lastDeadMemberSweep = now;
                for (Topic t : topics.values()) {
                    t.clusterMembers = null; // read again: the sweep may change the registry behind the events
                    if (t.busSubscribed && !syncMembers(t)) {
                        break; // Redis is away: the next sweep does it
                    }
                }
            }
            return;
        }
        for (Topic t : topics.values()) {
            if (t.prunePending) {
                t.prunePending = false;
                long upTo = t.committedSeq - retention.maxMessages();
                if (upTo > 0) {
                    store.pruneUpTo(t.name, upTo);
                }
            }
        }
        long now = clock.millis();
        if (now - lastAgePrune >= AGE_PRUNE_INTERVAL_MILLIS) {
            lastAgePrune = now;
            store.pruneOlderThan(retention.minTimestamp(now));
        }
    }

    /** A connection opened with an expiring token: it is closed by {@link #expireTokens} once that time passes. */
    void watchExpiry(HubConnection c) {
        if (!c.gone && c.closeAtMillis != 0) {
            expiring.add(c);
        }
    }

    /** Closes (4001) the connections whose token expired; runs on every writer tick. */
    void expireTokens() {
        long now = clock.millis();
        while (!expiring.isEmpty() && expiring.first().closeAtMillis <= now) {
            HubConnection c = expiring.pollFirst();
            if (c.closing.compareAndSet(false, true)) {
                closeNow(c, TOKEN_EXPIRED, "token expired");
            }
        }
    }

    /**
     * The close decided by {@link #closeAfterCommitted} or {@link #expireTokens}; runs after a flush, so the acks
     * of everything the connection had committed were sent before this close.
     */
    void closeNow(HubConnection c, int code, String reason) {
        if (code == TOKEN_EXPIRED) {
            counters.tokenExpiriesClosed.increment();
        }
        c.out().close(code, reason);
        disconnect(c);
    }

    /**
     * Reclaims the topics nobody needs: no subscriber and no history kept (none stored, all older than the
     * retention age, or a retention of 0 messages). They leave memory and the store; the reclaim floor is raised
     * above their last seq first, so a topic that comes back continues above every number it gave.
     */
    void reclaimIdleTopics() {
        if (shared != null) {
            reclaimShared();
            return;
        }
        long minTimestamp = retention.minTimestamp(clock.millis());
        List<Topic> idle = new ArrayList<>();
        long maxSeq = 0;
        for (Topic t : topics.values()) {
            if (t.members.isEmpty() && t.lastSeq == t.committedSeq
                    && (retention.maxMessages() == 0 || t.lastTimestamp < minTimestamp)) {
                idle.add(t);
                maxSeq = Math.max(maxSeq, t.lastSeq);
            }
        }
        if (idle.isEmpty()) {
            return;
        }
        seqs.reclaiming(maxSeq);
        List<String> stored = new ArrayList<>();
        for (Topic t : idle) {
            if (t.inStore) {
                stored.add(t.name);
            }
        }
        if (!stored.isEmpty()) {
            store.removeTopics(stored);
        }
        for (Topic t : idle) {
            topics.remove(t.name, t);
        }
        counters.topicsReclaimed.add(idle.size());
    }

    /** Fails whatever waits in the open transaction (the hub is closing). */
    void abandonPending(String why) {
        for (Command.Publish p : pendingCommands) {
            refuse(p, ErrorCode.INTERNAL, why);
        }
        clearPending();
    }

    /** A publish whose key was known: nothing stored or delivered; acked (or completed) with the first one's seq. */
    private void duplicate(Command.Publish p, long seq, long timestamp) {
        counters.duplicatePublishes.increment();
        HubConnection from = p.from();
        if (from != null && p.ack() && !from.gone) {
            from.out().send(replies.ack(p.id(), p.topic(), seq, timestamp, true));
        }
        if (p.future() != null) {
            p.future().complete(new Published(p.topic(), seq, timestamp));
        }
    }

    void refuse(Command.Publish p, ErrorCode code, String message) {
        if (p.future() != null) {
            p.future().completeExceptionally(new HubException(code.wire(), message));
        } else if (p.from() != null && !p.from().gone) {
            sendError(p.from(), p.id(), code, message);
        }
    }

    // ----------------------------------------------------------------------- several nodes (shared log)

    /** A message from the shared log, published by any node: delivered live here in seq order, once. */
    void sharedMessage(StoredMessage m) {
        sharedQueued.decrementAndGet();
        Topic t = topics.get(m.topic());
        if (t == null || !t.busSubscribed || m.seq() <= t.committedSeq) {
            return; // not ours (any more), or already delivered (by a catch-up from the log)
        }
        if (behind.contains(t.name)) {
            return; // the log could not be read: the tick reads this one too, after the ones before it
        }
        if (m.seq() > t.committedSeq + 1 && !catchUp(t, m.seq() - 1)) {
            return;
        }
        deliverShared(t, m);
    }

    /** The node's subscription to the topic is in place again (after a reconnect): fetch what it missed. */
    void sharedResubscribed(String topic) {
        Topic t = topics.get(topic);
        if (t == null || !t.busSubscribed) {
            return;
        }
        t.clusterMembers = null; // presence events may have been missed meanwhile
        long last;
        try {
            last = shared.lastSeq(topic);
        } catch (RuntimeException e) {
            errorHandler.accept(e); // e.g. the command link is not back yet: the tick tries again
            behind.add(topic);
            return;
        }
        if (last < t.committedSeq) {
            // Redis lost data (restarted without persistence): its numbers restart below what was delivered
            errorHandler.accept(new HubException(ErrorCode.UNAVAILABLE.wire(), "Redis's seq of " + topic
                    + " went back from " + t.committedSeq + " to " + last + "; was Redis restarted without persistence?"));
            t.committedSeq = last;
            t.lastSeq = last;
            return;
        }
        catchUp(t, last);
    }

    /** A member joined or left on another node (or its node died): told to this node's members of the topic. */
    void sharedPresence(String topic, boolean joined, Member member) {
        Topic t = topics.get(topic);
        if (t == null || !t.busSubscribed) {
            return;
        }
        if (t.clusterMembers != null) {
            if (joined) {
                t.clusterMembers.put(member.session(), member);
            } else {
                t.clusterMembers.remove(member.session());
            }
        }
        if (t.members.isEmpty() || t.members.size() > limits.maxPresenceMembers()) {
            return;
        }
        fanout.deliver(List.copyOf(t.members), replies.presence(joined ? "join" : "leave", t.name, member));
    }

    /** Syncs the topic's member registry in the shared log with this node's members; false if that failed. */
    private boolean syncMembers(Topic t) {
        List<Member> own = new ArrayList<>(t.members.size());
        for (HubConnection c : t.members) {
            own.add(c.member());
        }
        try {
            shared.syncMembers(t.name, own);
            return true;
        } catch (RuntimeException e) {
            errorHandler.accept(e);
            return false;
        }
    }

    /**
     * The topic's members on every node, or only this node's if the shared log cannot tell now. Read from Redis
     * only when the topic's {@link Topic#clusterMembers} is unknown: thousands of subscribers joining one topic
     * would otherwise each read the whole registry (quadratic, and it shed them under load).
     */
    private Collection<Member> sharedMembers(Topic t) {
        if (t.clusterMembers != null) {
            return t.clusterMembers.values();
        }
        try {
            Map<String, Member> read = new LinkedHashMap<>();
            for (Member m : shared.members(t.name)) {
                read.put(m.session(), m);
            }
            for (HubConnection m : t.members) { // this node's, also those whose join is still on its way to Redis
                read.putIfAbsent(m.member().session(), m.member());
            }
            t.clusterMembers = read;
            return read.values();
        } catch (RuntimeException e) {
            errorHandler.accept(e);
            List<Member> local = new ArrayList<>();
            for (HubConnection m : t.members) {
                local.add(m.member());
            }
            return local;
        }
    }

    /** The link to the shared log broke: every subscriber of a shared topic here is told that messages may be late. */
    void sharedDisconnected() {
        String notice = replies.error(null, ErrorCode.UNAVAILABLE,
                "the hub lost its link to Redis; messages are delivered once it is back");
        for (Topic t : topics.values()) {
            t.clusterMembers = null;
            if (t.busSubscribed) {
                for (HubConnection c : t.members) {
                    c.out().send(notice);
                }
            }
        }
    }

    private void appendShared(Command.Publish p) {
        Member from = p.from() == null ? Member.SERVER : p.from().member();
        CompletableFuture<SharedLog.Appended> appended;
        try {
            appended = shared.append(p.topic(), clock.millis(), from.session(), from.name(), p.data(), p.key());
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        pendingCommands.add(p);
        pendingAppends.add(appended);
    }

    /**
     * Waits for the log's answer to every pending publish, in order: acks (or completes) the stored ones and
     * refuses the others with {@code unavailable}. Delivery to this node's subscribers comes back through the log.
     */
    private void flushShared() {
        for (int i = 0; i < pendingCommands.size(); i++) {
            Command.Publish p = pendingCommands.get(i);
            SharedLog.Appended a;
            try {
                a = pendingAppends.get(i).join();
            } catch (RuntimeException e) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                counters.errors.increment();
                errorHandler.accept(cause);
                refuse(p, ErrorCode.UNAVAILABLE,
                        "not confirmed (retry with the same key to store it once): " + cause.getMessage());
                continue;
            }
            if (a.duplicate()) {
                duplicate(p, a.seq(), a.timestamp());
                continue;
            }
            counters.stored.increment();
            counters.published.increment();
            Topic t = topics.get(p.topic());
            if (t != null && a.seq() > t.lastSeq) {
                t.lastSeq = a.seq();
            }
            HubConnection from = p.from();
            if (from != null && p.ack() && !from.gone) {
                from.out().send(replies.ack(p.id(), p.topic(), a.seq(), a.timestamp()));
            }
            if (!listeners.isEmpty()) {
                Member m = from == null ? Member.SERVER : from.member();
                notifyMessage(new StoredMessage(p.topic(), a.seq(), a.timestamp(), m.session(), m.name(), p.data()));
            }
            if (p.future() != null) {
                p.future().complete(new Published(p.topic(), a.seq(), a.timestamp()));
            }
        }
        clearPending();
    }

    /**
     * Subscribes this node to the topic's messages, then reads the topic's last seq: a message stored after that
     * read arrives through the subscription, one stored before it is at most that seq (skipped when it arrives).
     */
    private void subscribeShared(Topic t) {
        shared.subscribe(t.name);
        long last = shared.lastSeq(t.name);
        t.committedSeq = last;
        t.lastSeq = last;
        t.busSubscribed = true;
    }

    /**
     * Delivers what the log kept of {@code (committedSeq, upTo]}; a gap notice for what it no longer has. If the
     * log cannot be read now, stops where it got (no gap: the messages may well be there) and marks the topic
     * behind, so the writer's tick tries again; returns false then.
     */
    private boolean catchUp(Topic t, long upTo) {
        long minTimestamp = retention.minTimestamp(clock.millis());
        while (t.committedSeq < upTo) {
            List<StoredMessage> batch;
            try {
                batch = shared.read(t.name, t.committedSeq, minTimestamp, REPLAY_READ);
            } catch (RuntimeException e) {
                errorHandler.accept(e);
                behind.add(t.name);
                return false;
            }
            boolean progressed = false;
            for (StoredMessage m : batch) {
                if (m.seq() > upTo) {
                    break;
                }
                if (m.seq() > t.committedSeq + 1) {
                    deliverLive(t, replies.gap(t.name, t.committedSeq + 1, m.seq() - 1));
                }
                deliverShared(t, m);
                progressed = true;
            }
            if (!progressed) {
                deliverLive(t, replies.gap(t.name, t.committedSeq + 1, upTo));
                t.committedSeq = upTo;
                t.lastSeq = Math.max(t.lastSeq, upTo);
            }
        }
        return true;
    }

    private void deliverShared(Topic t, StoredMessage m) {
        t.committedSeq = m.seq();
        t.lastSeq = Math.max(t.lastSeq, m.seq());
        t.lastTimestamp = m.timestamp();
        deliverLive(t, replies.message(m, false));
    }

    /** Topics without a subscriber here leave this node (and its subscription); the log keeps their history. */
    private void reclaimShared() {
        List<Topic> idle = new ArrayList<>();
        for (Topic t : topics.values()) {
            if (t.members.isEmpty()) {
                idle.add(t);
            }
        }
        int reclaimed = 0;
        for (Topic t : idle) {
            if (t.busSubscribed) {
                if (!syncMembers(t)) {
                    continue; // keep it until none of ours is left in the registry (a leave lost while Redis was away)
                }
                shared.unsubscribe(t.name);
            }
            topics.remove(t.name, t);
            reclaimed++;
        }
        counters.topicsReclaimed.add(reclaimed);
    }

    // ------------------------------------------------------------------------------------------ internals

    /** Why {@code by} (null: server code) may not create a topic now, or null if it may. */
    private ErrorCode mayCreateTopic(HubConnection by) {
        if (topics.size() >= limits.maxTopics()) {
            return ErrorCode.TOO_MANY_TOPICS;
        }
        if (by != null && !by.topicCreations.tryTake(System.nanoTime())) {
            counters.topicCreationsRefused.increment();
            return ErrorCode.TOPIC_RATE_LIMITED;
        }
        return null;
    }

    private String refusal(ErrorCode code) {
        return code == ErrorCode.TOO_MANY_TOPICS ? "the hub keeps at most " + limits.maxTopics() + " topics"
                : "at most " + limits.topicCreationsPerSecond() + " new topics per second";
    }

    private Topic createTopic(String name) {
        Topic t = new Topic(name, seqs.floor(), 0);
        topics.put(name, t);
        return t;
    }

    private void leave(HubConnection c, Topic t) {
        t.members.remove(c);
        t.removeLive(c);
        c.replays.removeIf(r -> r.topic == t);
        presence(t, "leave", c);
        if (shared != null && t.busSubscribed) {
            shared.leave(t.name, c.member());
            if (t.clusterMembers != null) {
                t.clusterMembers.remove(c.member().session());
            }
        }
        for (HubListener l : listeners) {
            try {
                l.onLeave(t.name, c.member());
            } catch (RuntimeException e) {
                listenerFailed(e);
            }
        }
    }

    /** Sends the topic's stored messages after the replay cursors, one budget's worth; then waits for a drain. */
    private void pump(HubConnection c) {
        long budget = REPLAY_CHUNK_BYTES;
        long minTimestamp = retention.minTimestamp(clock.millis());
        while (!c.replays.isEmpty()) {
            Replay r = c.replays.peekFirst();
            Topic t = r.topic;
            long floor = Math.max(r.cursor, t.committedSeq - retention.maxMessages());
            List<StoredMessage> batch;
            try {
                batch = floor >= t.committedSeq ? List.of()
                        : shared != null ? shared.read(t.name, floor, minTimestamp, REPLAY_READ)
                        : store.read(t.name, floor, minTimestamp, REPLAY_READ);
            } catch (RuntimeException e) {
                counters.errors.increment();
                errorHandler.accept(e);
                c.out().close(CloseCodes.INTERNAL_ERROR, "history unavailable");
                disconnect(c);
                return;
            }
            int sent = 0;
            for (StoredMessage m : batch) {
                if (m.seq() > t.committedSeq) {
                    break; // a shared log is ahead of this node: that message comes live, not twice
                }
                if (m.seq() > r.cursor + 1) {
                    c.out().send(replies.gap(t.name, r.cursor + 1, m.seq() - 1));
                }
                c.out().send(replies.message(m, true));
                r.cursor = m.seq();
                sent++;
                budget -= m.approximateBytes();
            }
            if (sent == 0 && r.cursor < t.committedSeq) {
                c.out().send(replies.gap(t.name, r.cursor + 1, t.committedSeq));
                r.cursor = t.committedSeq;
            }
            counters.replayed.add(sent);
            counters.delivered.add(sent);
            if (r.cursor >= t.committedSeq) {
                c.replays.pollFirst();
                t.addLive(c);
                continue;
            }
            if (budget <= 0) {
                c.awaitingDrain = true;
                c.out().requestDrain();
                return;
            }
        }
    }

    private void deliverLive(Topic t, String json) {
        List<HubConnection> targets = t.live();
        if (targets.isEmpty()) {
            return;
        }
        List<HubConnection> slow = null;
        long max = limits.maxOutboundBytes();
        for (HubConnection c : targets) {
            if (c.out().bufferedAmount() > max) {
                if (slow == null) {
                    slow = new ArrayList<>();
                }
                slow.add(c);
            }
        }
        if (slow != null) {
            for (HubConnection c : slow) {
                counters.slowConsumersClosed.increment();
                c.out().closeDiscardingBacklog(CloseCodes.TRY_AGAIN_LATER, "slow consumer");
                disconnect(c);
            }
            targets = t.live();
        }
        fanout.deliver(targets, json);
        counters.delivered.add(targets.size());
    }

    private void presence(Topic t, String type, HubConnection who) {
        if (t.members.size() > limits.maxPresenceMembers()) {
            return;
        }
        List<HubConnection> others = new ArrayList<>(t.members.size());
        for (HubConnection m : t.members) {
            if (m != who) {
                others.add(m);
            }
        }
        if (!others.isEmpty()) {
            fanout.deliver(others, replies.presence(type, t.name, who.member()));
        }
    }

    private void notifyMessage(StoredMessage m) {
        if (listeners.isEmpty()) {
            return;
        }
        HubMessage message = m.toHubMessage();
        for (HubListener l : listeners) {
            try {
                l.onMessage(message);
            } catch (RuntimeException e) {
                listenerFailed(e);
            }
        }
    }

    private void listenerFailed(RuntimeException e) {
        counters.errors.increment();
        errorHandler.accept(e);
    }

    private void clearPending() {
        pendingAppends.clear();
        pendingCommands.clear();
        pendingMessages.clear();
        pendingDuplicates.clear();
        touched.clear();
    }
}
