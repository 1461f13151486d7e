package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.net.ServerSession;

import java.io.UncheckedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A hub client without sockets: requests go straight into {@link HubEndpoint#handle} (as the event loop would
 * call it), replies are recorded. Drain requests are answered at once from another thread, as an idle socket
 * would. Like a real session, a close is final: it is recorded in {@link #received} as
 * {@code {"type":"close","code":...}} and sends after it are dropped.
 */
final class FakePeer implements Outbox {
    static final ObjectMapper JSON = new ObjectMapper();

    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    volatile long buffered;
    private final HubEndpoint endpoint;
    final HubConnection connection;
    final JsonNode welcome;

    FakePeer(Hub hub, String name) {
        this(hub, new Identity(name, Rights.ALL));
    }

    private volatile boolean isClosed;

    FakePeer(Hub hub, Identity identity) {
        this.endpoint = hub.hubEndpoint();
        this.connection = endpoint.open(identity, this);
        this.welcome = next("welcome");
    }

    String id() {
        return connection.member().session();
    }

    void request(String json) {
        endpoint.handle(connection, json);
    }

    void disconnect() {
        endpoint.closed(connection);
    }

    /** The next message, whatever its type; fails after 10 s. */
    JsonNode next() {
        try {
            JsonNode n = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(n, "nothing received within 10 s");
            return n;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The next message, which must be of {@code type}. */
    JsonNode next(String type) {
        JsonNode n = next();
        assertEquals(type, n.path("type").asText(), () -> "expected " + type + " but got " + n);
        return n;
    }

    /** The next message must be an error with this code. */
    JsonNode error(String code) {
        JsonNode n = next("error");
        assertEquals(code, n.path("code").asText(), n::toString);
        return n;
    }

    /**
     * Proves nothing else is pending: subscribes to a fresh topic and expects its {@code subscribed} as the very
     * next message (the writer handles commands in order), then unsubscribes.
     */
    void expectNothingMore() {
        String probe = "probe-" + System.nanoTime();
        request("{\"type\":\"subscribe\",\"id\":\"probe\",\"topic\":\"" + probe + "\"}");
        JsonNode n = next();
        if (!"subscribed".equals(n.path("type").asText()) || !probe.equals(n.path("topic").asText())) {
            fail("expected nothing more, got " + n);
        }
        request("{\"type\":\"unsubscribe\",\"topic\":\"" + probe + "\"}");
        next("unsubscribed");
    }

    @Override
    public synchronized void send(String json) {
        if (isClosed) {
            return;
        }
        try {
            received.add(JSON.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (!isClosed) {
            isClosed = true;
            received.add(JSON.createObjectNode().put("type", "close").put("code", code).put("reason", reason));
            closed.complete(code);
        }
    }

    @Override
    public long bufferedAmount() {
        return buffered;
    }

    @Override
    public void requestDrain() {
        CompletableFuture.runAsync(() -> endpoint.onDrainOf(connection));
    }

    @Override
    public ServerSession session() {
        return null;
    }
}
