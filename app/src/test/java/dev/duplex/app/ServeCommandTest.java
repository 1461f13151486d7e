package dev.duplex.app;

import dev.duplex.net.WebSocketServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code duplex serve} answers on /echo and /broadcast, driven by the JDK's own WebSocket client. */
@Timeout(30)
class ServeCommandTest {

    @Test
    void echoAndBroadcastWork() throws Exception {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs("--port", "0", "--host", "127.0.0.1");
        WebSocketServer server = command.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            Inbox echo = new Inbox();
            WebSocket e = http.newWebSocketBuilder().buildAsync(uri(server, "/echo"), echo).get(10, TimeUnit.SECONDS);
            e.sendText("Hello Server!", true);
            assertEquals("Hello Server!", echo.next());

            Inbox first = new Inbox();
            Inbox second = new Inbox();
            WebSocket a = http.newWebSocketBuilder().buildAsync(uri(server, "/broadcast"), first).get(10, TimeUnit.SECONDS);
            WebSocket b = http.newWebSocketBuilder().buildAsync(uri(server, "/broadcast"), second).get(10, TimeUnit.SECONDS);
            awaitMembers(a, first, b, second);
            a.sendText("to all", true);
            assertEquals("to all", first.next(), "the sender gets its own message");
            assertEquals("to all", second.next());
        } finally {
            server.stop();
        }
    }

    /** Both clients are members once each has received its own probe back through the broadcast. */
    private static void awaitMembers(WebSocket a, Inbox first, WebSocket b, Inbox second) throws InterruptedException {
        for (var pair : java.util.List.of(java.util.Map.entry(a, first), java.util.Map.entry(b, second))) {
            String probe = "probe-" + System.identityHashCode(pair.getKey());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean member = false;
            while (!member && System.nanoTime() < deadline) {
                pair.getKey().sendText(probe, true);
                member = pair.getValue().awaitProbe(probe);
            }
            if (!member) {
                throw new AssertionError("never became a member of /broadcast");
            }
        }
    }

    private static URI uri(WebSocketServer server, String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    private static final class Inbox implements WebSocket.Listener {
        private final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return CompletableFuture.completedFuture(null);
        }

        /** The next message that is not a membership probe. */
        String next() throws InterruptedException {
            while (true) {
                String m = messages.poll(10, TimeUnit.SECONDS);
                if (m == null) {
                    throw new AssertionError("no message within 10 s");
                }
                if (!m.startsWith("probe-")) {
                    return m;
                }
            }
        }

        boolean awaitProbe(String probe) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250);
            String m;
            while ((m = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
                if (m.equals(probe)) {
                    return true;
                }
            }
            return false;
        }
    }
}
