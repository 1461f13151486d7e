package dev.duplex.net;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * The pings a client connection sent and the server has not answered yet, oldest first, at most {@link #LIMIT}.
 * A pong completes the oldest ping with the same payload and every older one (RFC 6455 section 5.5.3 lets a peer
 * answer only the most recent ping); a pong that matches none is unsolicited and ignored.
 *
 * <p>Loop thread only.
 */
final class PendingPings {
    static final int LIMIT = 32;

    private record Ping(byte[] payload, long sentNanos, CompletableFuture<Duration> pong) {
    }

    private final Deque<Ping> pending = new ArrayDeque<>();

    /** Records a ping about to be sent; false (and {@code pong} failed) when too many are unanswered. */
    boolean add(byte[] payload, CompletableFuture<Duration> pong) {
        if (pending.size() >= LIMIT) {
            pong.completeExceptionally(new IllegalStateException(
                    LIMIT + " pings are already waiting for a pong: ping not sent"));
            return false;
        }
        pending.addLast(new Ping(payload.clone(), System.nanoTime(), pong));
        return true;
    }

    void pongReceived(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        if (pending.stream().noneMatch(p -> Arrays.equals(p.payload(), bytes))) {
            return;
        }
        long now = System.nanoTime();
        while (true) {
            Ping p = pending.removeFirst();
            p.pong().complete(Duration.ofNanos(now - p.sentNanos()));
            if (Arrays.equals(p.payload(), bytes)) {
                return;
            }
        }
    }

    void failAll(Throwable cause) {
        Ping p;
        while ((p = pending.pollFirst()) != null) {
            p.pong().completeExceptionally(cause);
        }
    }
}
