package dev.duplex.net;

/**
 * A task scheduled on an {@link EventLoop} to run once at a deadline. Owned by the loop thread: schedule and
 * cancel it there (the loop's {@code schedule} checks). Cancelling is O(1); a cancelled timer is dropped lazily
 * when it reaches the head of the loop's queue.
 */
final class LoopTimer implements Comparable<LoopTimer> {
    final long deadlineNanos;
    final Runnable task;
    private final long sequence;
    private boolean cancelled;

    LoopTimer(long deadlineNanos, long sequence, Runnable task) {
        this.deadlineNanos = deadlineNanos;
        this.sequence = sequence;
        this.task = task;
    }

    /** Stops the task from running; harmless if it already ran or was cancelled. */
    void cancel() {
        cancelled = true;
    }

    boolean isCancelled() {
        return cancelled;
    }

    @Override
    public int compareTo(LoopTimer o) {
        int c = Long.compare(deadlineNanos - o.deadlineNanos, 0);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
}
