package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A /hub client over Server-Sent Events, as a browser's EventSource behaves: one GET stream parsed by the SSE rules
 * (fields, comments, multi-line data, the last event id), requests POSTed to /hub/send with the transport session
 * from the welcome, and a reconnect that sends {@code Last-Event-ID}. {@link #drop()} cuts the stream as a network
 * would; {@link #reconnect()} opens it again as EventSource does.
 */
final class SseHubClient implements HubClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    final AtomicInteger comments = new AtomicInteger();
    private final URI base;
    private final String query;
    private volatile String lastEventId;
    private volatile String transportSession;
    private volatile InputStream stream;
    private volatile Thread reader;
    volatile int retryMillis = -1;

    private SseHubClient(URI base, String query) {
        this.base = base;
        this.query = query;
    }

    /** Opens {@code GET /hub/sse?query}; fails unless the answer is 200 text/event-stream. */
    static SseHubClient connect(URI base, String query) throws Exception {
        SseHubClient c = new SseHubClient(base, query);
        c.open(null);
        return c;
    }

    /** Opens the stream as a reconnecting EventSource: same URL, with the last event id seen. */
    void reconnect() throws Exception {
        open(lastEventId);
    }

    /** Cuts the stream (the server notices the connection close). */
    void drop() throws Exception {
        InputStream s = stream;
        if (s != null) {
            s.close();
        }
        Thread t = reader;
        if (t != null) {
            t.join(10_000);
        }
    }

    String transportSession() {
        return transportSession;
    }

    String lastEventId() {
        return lastEventId;
    }

    private void open(String lastId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/hub/sse" + (query.isEmpty() ? "" : "?" + query)))
                .header("Accept", "text/event-stream");
        if (lastId != null) {
            b.header("Last-Event-ID", lastId);
        }
        HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
            throw new IOException("status " + r.statusCode() + ": " + body);
        }
        assertEquals("text/event-stream; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        stream = r.body();
        Thread t = new Thread(() -> parse(r.body()), "sse-client");
        t.setDaemon(true);
        reader = t;
        t.start();
    }

    /** The event-stream interpretation of the HTML standard, for the fields the hub uses. */
    private void parse(InputStream in) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            boolean hasData = false;
            String pendingId = null;
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) { // dispatch
                    if (pendingId != null) {
                        lastEventId = pendingId;
                        pendingId = null;
                    }
                    if (hasData) {
                        deliver(data.toString());
                    }
                    data.setLength(0);
                    hasData = false;
                    continue;
                }
                if (line.startsWith(":")) {
                    comments.incrementAndGet();
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "data":
                        if (hasData) {
                            data.append('\n');
                        }
                        data.append(value);
                        hasData = true;
                        break;
                    case "id":
                        if (value.indexOf('\0') < 0) {
                            pendingId = value;
                        }
                        break;
                    case "retry":
                        if (value.matches("[0-9]+")) {
                            retryMillis = Integer.parseInt(value);
                        }
                        break;
                    default:
                        break; // "event" and unknown fields: the hub sends only message events
                }
            }
        } catch (IOException closed) {
            // dropped by the test, or the server ended the stream
        }
    }

    private void deliver(String json) {
        try {
            JsonNode n = FakePeer.JSON.readTree(json);
            if (n.path("type").asText().equals("welcome") && n.has("transportSession")) {
                transportSession = n.get("transportSession").asText();
            }
            received.add(n);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @Override
    public BlockingQueue<JsonNode> received() {
        return received;
    }

    /** POSTs to /hub/send; fails unless answered 204. */
    @Override
    public void send(String json) throws Exception {
        int status = post(json);
        assertEquals(204, status, "POST /hub/send");
    }

    int post(String json) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (transportSession == null && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // the welcome is on its way
        }
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/hub/send?session=" + transportSession))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    @Override
    public void close() throws Exception {
        drop();
    }
}
