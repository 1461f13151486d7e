package dev.duplex.net.interop;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;
import dev.duplex.net.TestHooks;
import dev.duplex.testkit.Payloads;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The echo endpoint the real peers talk to: text comes back as text, binary as binary, except the same control
 * messages the peers' own echo servers take ({@code __close <code> [reason]}: we start the closing handshake;
 * {@code __terminate}: we drop the TCP connection with no close frame). It records what it saw per connection,
 * keyed by the {@code id} query parameter ({@code ""} without one), so tests can check the server's side too.
 */
final class RecordingEcho implements Endpoint {
    record Closed(int code, String reason, boolean wasClean) {
    }

    record Received(String type, int length, String sha256) {
    }

    final BlockingQueue<ServerSession> opened = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    private final ConcurrentMap<String, CompletableFuture<Closed>> closes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, List<Received>> received = new ConcurrentHashMap<>();

    static String id(ServerSession session) {
        String query = session.request().query();
        if (query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("id=")) {
                    return part.substring(3);
                }
            }
        }
        return "";
    }

    /** The onClose of the connection with this id, waiting at most {@code timeout}. */
    Closed awaitClose(String id, Duration timeout) throws Exception {
        return close(id).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    CompletableFuture<Closed> close(String id) {
        return closes.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    /** The messages the connection with this id sent us so far, in order (control messages included). */
    List<Received> received(String id) {
        return List.copyOf(received.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()));
    }

    ServerSession awaitOpen(Duration timeout) throws InterruptedException {
        ServerSession s = opened.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (s == null) {
            throw new AssertionError("no connection opened within " + timeout);
        }
        return s;
    }

    @Override
    public void onOpen(ServerSession session) {
        opened.add(session);
    }

    @Override
    public void onText(ServerSession session, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        record(session, new Received("text", utf8.length, Payloads.sha256(utf8)));
        if (text.startsWith("__close ")) {
            String[] parts = text.split(" ", 3);
            session.close(Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "");
        } else if (text.equals("__terminate")) {
            TestHooks.abort(session);
        } else {
            session.send(text);
        }
    }

    @Override
    public void onBinary(ServerSession session, ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        record(session, new Received("binary", bytes.length, Payloads.sha256(bytes)));
        session.send(data);
    }

    private void record(ServerSession session, Received r) {
        received.computeIfAbsent(id(session), k -> new CopyOnWriteArrayList<>()).add(r);
    }

    @Override
    public void onError(ServerSession session, Throwable error) {
        errors.add(error);
    }

    @Override
    public void onClose(ServerSession session, int code, String reason, boolean wasClean) {
        close(id(session)).complete(new Closed(code, reason, wasClean));
    }
}
