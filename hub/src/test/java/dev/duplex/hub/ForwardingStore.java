package dev.duplex.hub;

import java.util.List;

/** A {@link MessageStore} that forwards every call to another; tests override what they want to change. */
class ForwardingStore implements MessageStore {
    private final MessageStore delegate;

    ForwardingStore(MessageStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public void open() {
        delegate.open();
    }

    @Override
    public List<TopicState> loadTopics() {
        return delegate.loadTopics();
    }

    @Override
    public String storeId() {
        return delegate.storeId();
    }

    @Override
    public void removeTopics(List<String> topics) {
        delegate.removeTopics(topics);
    }

    @Override
    public void append(StoredMessage message) {
        delegate.append(message);
    }

    @Override
    public void saveLastSeq(String topic, long lastSeq) {
        delegate.saveLastSeq(topic, lastSeq);
    }

    @Override
    public void commit() {
        delegate.commit();
    }

    @Override
    public void rollback() {
        delegate.rollback();
    }

    @Override
    public List<StoredMessage> read(String topic, long afterSeq, long minTimestamp, int limit) {
        return delegate.read(topic, afterSeq, minTimestamp, limit);
    }

    @Override
    public void pruneUpTo(String topic, long upToSeq) {
        delegate.pruneUpTo(topic, upToSeq);
    }

    @Override
    public void pruneOlderThan(long minTimestamp) {
        delegate.pruneOlderThan(minTimestamp);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
