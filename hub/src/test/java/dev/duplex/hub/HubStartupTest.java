package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.net.MessageEvent;
import dev.duplex.net.WebSocket;
import dev.duplex.net.WebSocketServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Start-up: the store opens on the writer thread while the server already accepts connections; requests wait
 * for it, and a store that cannot be opened fails {@link Hub#ready()} and every request with {@code internal}.
 */
class HubStartupTest {
    @TempDir
    Path data;

    /** A memory store whose {@link #open} waits for {@link #release} (or fails with {@code failure}). */
    private static final class GatedStore extends ForwardingStore {
        final CountDownLatch opening = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);
        private final RuntimeException failure;

        GatedStore(RuntimeException failure) {
            super(new MemoryMessageStore(100));
            this.failure = failure;
        }

        void release() {
            gate.countDown();
        }

        @Override
        public void open() {
            opening.countDown();
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the store");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
            super.open();
        }
    }

    @Test
    void aSlowStoreStillLetsTheServerAcceptEchoAndHubRequestsWaitUntilReady() throws Exception {
        GatedStore store = new GatedStore(null);
        Hub hub = Hub.builder().store(store).build();
        WebSocketServer server = hub.startServer(WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1));
        try {
            assertTrue(store.opening.await(10, TimeUnit.SECONDS), "the writer never started opening the store");
            CompletableFuture<Void> ready = hub.ready();
            assertFalse(ready.isDone());

            BlockingQueue<MessageEvent> echoed = new LinkedBlockingQueue<>();
            WebSocket echo = WebSocket.builder(URI.create("ws://127.0.0.1:" + server.port() + "/echo"))
                    .onMessage(echoed::add).connect();
            echo.whenOpen().get(10, TimeUnit.SECONDS);
            echo.send("before the store is open");
            MessageEvent e = echoed.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "no echo while the store opens");
            assertEquals("before the store is open", e.text());

            CompletableFuture<Published> serverPublish = hub.publish("news", "{\"n\":1}");
            try (JdkHubClient c = JdkHubClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hub"))) {
                c.next("welcome");
                c.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"news\",\"history\":10}");
                c.send("{\"type\":\"publish\",\"id\":\"p\",\"topic\":\"news\",\"data\":2,\"ack\":true}");
                c.send("{\"type\":\"ping\",\"id\":\"k\"}");
                // The ping is answered on the event loop; subscribe and publish wait for the store.
                assertEquals("k", c.next("pong").get("id").asText());
                assertFalse(serverPublish.isDone());
                assertFalse(ready.isDone());

                store.release();
                ready.get(10, TimeUnit.SECONDS);
                assertEquals(1, serverPublish.get(10, TimeUnit.SECONDS).seq());
                JsonNode subscribed = c.next("subscribed");
                assertEquals("s", subscribed.get("id").asText());
                assertEquals(1, subscribed.get("seq").asLong());
                assertEquals(1, c.next("message").get("seq").asLong()); // history: the server's publish
                JsonNode ack = c.next("ack");
                assertEquals("p", ack.get("id").asText());
                assertEquals(2, ack.get("seq").asLong());
                assertEquals(2, c.next("message").get("data").asInt());
            }
            echo.close();
        } finally {
            store.release();
            server.stop();
            hub.close();
        }
    }

    @Test
    void aStoreThatCannotOpenFailsReadyAndEveryRequestWithInternal() throws Exception {
        HubException cause = new HubException("internal", "the disk is gone");
        GatedStore store = new GatedStore(cause);
        CompletableFuture<Throwable> told = new CompletableFuture<>();
        try (Hub hub = Hub.builder().store(store).errorHandler(told::complete).build()) {
            FakePeer early = new FakePeer(hub, "early");
            early.request("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"t\"}");
            CompletableFuture<Published> serverPublish = hub.publish("t", "1");
            store.release();

            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> hub.ready().get(10, TimeUnit.SECONDS));
            assertSame(cause, failed.getCause());
            assertSame(cause, told.get(10, TimeUnit.SECONDS));

            // queued before the failure
            JsonNode e = early.error("internal");
            assertEquals("s", e.get("id").asText());
            assertTrue(e.get("message").asText().contains("the disk is gone"), e::toString);
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> serverPublish.get(10, TimeUnit.SECONDS));
            assertEquals("internal", assertInstanceOf(HubException.class, refused.getCause()).code());

            // and after it
            FakePeer late = new FakePeer(hub, "late");
            late.request("{\"type\":\"publish\",\"id\":\"p\",\"topic\":\"t\",\"data\":1,\"ack\":true}");
            assertEquals("p", late.error("internal").get("id").asText());
            late.request("{\"type\":\"unsubscribe\",\"id\":\"u\",\"topic\":\"t\"}");
            assertEquals("u", late.error("internal").get("id").asText());
            late.request("{\"type\":\"ping\",\"id\":\"k\"}");
            assertEquals("k", late.next("pong").get("id").asText());
            assertEquals(List.of(), hub.topics());
        }
    }

    @Test
    void aCorruptH2FileFailsReadyButNotBuild() throws Exception {
        Files.writeString(data.resolve("hub.mv.db"), "this is not an H2 database ".repeat(200),
                StandardCharsets.UTF_8);
        CompletableFuture<Throwable> told = new CompletableFuture<>();
        try (Hub hub = Hub.builder().dataDirectory(data).history(10, Duration.ofHours(1))
                .errorHandler(told::complete).build()) {
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> hub.ready().get(30, TimeUnit.SECONDS));
            HubException cause = assertInstanceOf(HubException.class, failed.getCause());
            assertEquals("internal", cause.code());
            assertTrue(cause.getMessage().contains(data.toString()), cause.getMessage());
            assertSame(cause, told.get(10, TimeUnit.SECONDS));
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> hub.publish("t", "1").get(10, TimeUnit.SECONDS));
            assertEquals("internal", assertInstanceOf(HubException.class, refused.getCause()).code());
        }
        // the failed hub released the folder: a hub on a fresh file there works
        Files.delete(data.resolve("hub.mv.db"));
        try (Hub hub = Hub.builder().dataDirectory(data).history(10, Duration.ofHours(1)).build()) {
            hub.ready().get(30, TimeUnit.SECONDS);
            assertEquals(1, hub.publish("t", "1").get(10, TimeUnit.SECONDS).seq());
        }
    }

    @Test
    void readyCompletesForAnInMemoryHubAndEachCallIsIndependent() throws Exception {
        try (Hub hub = Hub.builder().inMemory().build()) {
            hub.ready().get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> mine = hub.ready();
            mine.cancel(true);
            assertTrue(hub.ready().isDone());
            assertFalse(hub.ready().isCompletedExceptionally());
        }
    }
}
