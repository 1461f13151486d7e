package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A /hub client over long polling: {@code GET /hub/poll} opens the session, then one poll at a time with
 * {@code ack} = the number of messages received so far; requests are POSTed to /hub/send. {@link #loseNext} drops
 * the next non-empty answer as a broken connection would, without acknowledging it.
 */
final class PollHubClient implements HubClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    final AtomicInteger polls = new AtomicInteger();
    private final URI base;
    private volatile String transportSession;
    private volatile long ack;
    private volatile boolean running = true;
    private volatile boolean loseNext;
    private final Thread poller;
    /** The status of an answer that ended polling (404, 410), or 0 while polling. */
    volatile int stoppedWith;

    private PollHubClient(URI base, String query) throws Exception {
        this.base = base;
        HttpResponse<String> first = get("/hub/poll" + (query.isEmpty() ? "" : "?" + query));
        if (first.statusCode() != 200) {
            throw new java.io.IOException("status " + first.statusCode() + ": " + first.body());
        }
        take(first.body());
        this.poller = new Thread(this::run, "poll-client");
        poller.setDaemon(true);
        poller.start();
    }

    static PollHubClient connect(URI base, String query) throws Exception {
        return new PollHubClient(base, query);
    }

    String transportSession() {
        return transportSession;
    }

    long ack() {
        return ack;
    }

    void loseNext() {
        loseNext = true;
    }

    private void run() {
        while (running) {
            try {
                HttpResponse<String> r = get("/hub/poll?session=" + transportSession + "&ack=" + ack);
                polls.incrementAndGet();
                if (r.statusCode() != 200) {
                    stoppedWith = r.statusCode();
                    return;
                }
                JsonNode array = FakePeer.JSON.readTree(r.body());
                if (loseNext && array.size() > 0) {
                    loseNext = false;
                    continue; // as if the answer never arrived: the same ack again
                }
                take(r.body());
            } catch (Exception e) {
                if (running) {
                    stoppedWith = -1;
                }
                return;
            }
        }
    }

    private void take(String body) throws Exception {
        JsonNode array = FakePeer.JSON.readTree(body);
        for (JsonNode n : array) {
            if (n.path("type").asText().equals("welcome")) {
                transportSession = n.get("transportSession").asText();
            }
            received.add(n);
        }
        ack += array.size();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public BlockingQueue<JsonNode> received() {
        return received;
    }

    @Override
    public void send(String json) throws Exception {
        assertEquals(204, post(json), "POST /hub/send");
    }

    int post(String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve("/hub/send?session=" + transportSession))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /** Stops polling (the held poll is left to the server, which ends the session after its idle timeout). */
    @Override
    public void close() throws Exception {
        running = false;
        poller.interrupt();
    }
}
