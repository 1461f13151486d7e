package dev.duplex.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The examples work: echo sends every message back, chat broadcasts to every member. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExamplesTest {
    private static final class Collector implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> binaries = new LinkedBlockingQueue<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            texts.add(data.toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            binaries.add(data.remaining());
            ws.request(1);
            return null;
        }

        String next() throws InterruptedException {
            String s = texts.poll(10, TimeUnit.SECONDS);
            if (s == null) {
                throw new AssertionError("no message within 10 s");
            }
            return s;
        }
    }

    private static WebSocket connect(URI uri, Collector c) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, c).get(10, TimeUnit.SECONDS);
    }

    @Test
    void echoServerSendsEveryMessageBack() throws Exception {
        var server = EchoServer.start("127.0.0.1", 0);
        try {
            Collector c = new Collector();
            WebSocket ws = connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), c);
            ws.sendText("one", true).get(5, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.allocate(1000), true).get(5, TimeUnit.SECONDS);
            assertEquals("one", c.next());
            assertEquals(1000, c.binaries.poll(10, TimeUnit.SECONDS));
        } finally {
            server.stop();
        }
    }

    @Test
    void chatServerBroadcastsToEveryMember() throws Exception {
        ChatServer chat = ChatServer.start("127.0.0.1", 0);
        try {
            URI uri = URI.create("ws://127.0.0.1:" + chat.server().port() + "/chat");
            List<Collector> members = new ArrayList<>();
            List<WebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Collector c = new Collector();
                members.add(c);
                sockets.add(connect(uri, c));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (chat.server().sessions().size() < 5) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("members did not join");
                }
                Thread.onSpinWait();
            }
            sockets.get(2).sendText("hello room", true).get(5, TimeUnit.SECONDS);
            for (Collector c : members) {
                assertEquals("hello room", c.next());
            }
        } finally {
            chat.server().stop();
        }
    }
}
