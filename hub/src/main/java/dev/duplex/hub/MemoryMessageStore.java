package dev.duplex.hub;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps messages in memory only (tests, embedding without persistence): gone when the hub closes. Each topic
 * holds at most {@code maxMessages}; older ones are dropped on append. Writer thread only.
 */
final class MemoryMessageStore implements MessageStore {
    private final int maxMessages;
    private final Map<String, ArrayDeque<StoredMessage>> messages = new HashMap<>();
    private final Map<String, Long> lastSeq = new HashMap<>();
    private final String id = UUID.randomUUID().toString();

    MemoryMessageStore(int maxMessages) {
        this.maxMessages = maxMessages;
    }

    @Override
    public void open() {
        // nothing to open
    }

    @Override
    public List<TopicState> loadTopics() {
        List<TopicState> out = new ArrayList<>();
        lastSeq.forEach((topic, seq) -> {
            ArrayDeque<StoredMessage> q = messages.get(topic);
            out.add(new TopicState(topic, seq, q == null || q.isEmpty() ? 0 : q.peekLast().timestamp()));
        });
        return out;
    }

    @Override
    public String storeId() {
        return id;
    }

    @Override
    public void removeTopics(List<String> topics) {
        for (String t : topics) {
            messages.remove(t);
            lastSeq.remove(t);
        }
    }

    @Override
    public void append(StoredMessage message) {
        ArrayDeque<StoredMessage> q = messages.computeIfAbsent(message.topic(), t -> new ArrayDeque<>());
        q.addLast(message);
        while (q.size() > maxMessages) {
            q.removeFirst();
        }
    }

    @Override
    public void saveLastSeq(String topic, long seq) {
        lastSeq.put(topic, seq);
    }

    @Override
    public void commit() {
        // in memory, every write is final at once
    }

    @Override
    public void rollback() {
        // never needed: commit cannot fail
    }

    @Override
    public List<StoredMessage> read(String topic, long afterSeq, long minTimestamp, int limit) {
        ArrayDeque<StoredMessage> q = messages.get(topic);
        List<StoredMessage> out = new ArrayList<>();
        if (q == null) {
            return out;
        }
        for (StoredMessage m : q) {
            if (m.seq() > afterSeq && m.timestamp() >= minTimestamp) {
                out.add(m);
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public void pruneUpTo(String topic, long upToSeq) {
        ArrayDeque<StoredMessage> q = messages.get(topic);
        while (q != null && !q.isEmpty() && q.peekFirst().seq() <= upToSeq) {
            q.removeFirst();
        }
    }

    @Override
    public void pruneOlderThan(long minTimestamp) {
        for (ArrayDeque<StoredMessage> q : messages.values()) {
            for (Iterator<StoredMessage> it = q.iterator(); it.hasNext(); ) {
                if (it.next().timestamp() < minTimestamp) {
                    it.remove();
                }
            }
        }
    }

    @Override
    public void close() {
        messages.clear();
    }
}
