package dev.duplex.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sequence numbers are never reused, even when the store's file is lost: the high-water mark in {@code hub.seq}
 * refuses a store that was deleted or emptied, unless told to accept it; then numbering continues above it.
 */
class HubSeqHighWaterTest {
    @TempDir
    Path data;

    private Hub.Builder builder() {
        return Hub.builder().dataDirectory(data).history(100, Duration.ofHours(1)).fanout(Fanout.DIRECT);
    }

    private long publishSome() throws Exception {
        long seq = 0;
        try (Hub hub = builder().build()) {
            for (int i = 0; i < 5; i++) {
                seq = hub.publish("log", Integer.toString(i)).get(10, TimeUnit.SECONDS).seq();
            }
            hub.publish("other", "1").get(10, TimeUnit.SECONDS);
        }
        assertTrue(Files.exists(data.resolve("hub.seq")));
        return seq;
    }

    private void refusedThenAccepted(long oldSeq) throws Exception {
        try (Hub hub = builder().build()) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> hub.ready().get(30, TimeUnit.SECONDS));
            HubException refused = assertInstanceOf(HubException.class, e.getCause());
            assertEquals("internal", refused.code());
            String line = refused.getMessage();
            assertFalse(line.contains("\n"), line);
            assertTrue(line.contains(data.resolve("hub.mv.db").toString()), line);
            assertTrue(line.contains("--accept-empty-store"), line);
            HubException publish = assertThrows(ExecutionException.class,
                    () -> hub.publish("log", "1").get(10, TimeUnit.SECONDS)).getCause() instanceof HubException h
                    ? h : null;
            assertEquals("internal", publish.code());
        }
        try (Hub hub = builder().build()) { // still refused: nothing was accepted
            assertThrows(ExecutionException.class, () -> hub.ready().get(30, TimeUnit.SECONDS));
        }
        long first;
        try (Hub hub = builder().acceptEmptyStore(true).build()) {
            hub.ready().get(30, TimeUnit.SECONDS);
            first = hub.publish("log", "\"after\"").get(10, TimeUnit.SECONDS).seq();
            assertTrue(first > oldSeq, first + " is not above " + oldSeq);
            assertTrue(hub.publish("brand-new", "1").get(10, TimeUnit.SECONDS).seq() > oldSeq);
        }
        try (Hub hub = builder().build()) { // the accepted store is the folder's store now
            hub.ready().get(30, TimeUnit.SECONDS);
            assertEquals(first + 1, hub.publish("log", "1").get(10, TimeUnit.SECONDS).seq());
        }
    }

    @Test
    void aDeletedStoreIsRefusedUnlessAcceptedThenNumbersContinueAbove() throws Exception {
        long old = publishSome();
        Files.delete(data.resolve("hub.mv.db"));
        refusedThenAccepted(old);
    }

    @Test
    void anEmptiedStoreIsRefusedUnlessAcceptedThenNumbersContinueAbove() throws Exception {
        long old = publishSome();
        Files.write(data.resolve("hub.mv.db"), new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        refusedThenAccepted(old);
    }

    @Test
    void aReplacedStoreIsRefusedAndOnceAcceptedItsTopicsContinueAboveTooAcrossRestarts(@TempDir Path other)
            throws Exception {
        long old = publishSome();
        try (Hub hub = Hub.builder().dataDirectory(other).fanout(Fanout.DIRECT).build()) {
            hub.publish("log", "1").get(10, TimeUnit.SECONDS);
        }
        Files.copy(other.resolve("hub.mv.db"), data.resolve("hub.mv.db"), StandardCopyOption.REPLACE_EXISTING);
        try (Hub hub = builder().build()) {
            assertThrows(ExecutionException.class, () -> hub.ready().get(30, TimeUnit.SECONDS));
        }
        try (Hub hub = builder().acceptEmptyStore(true).build()) {
            hub.ready().get(30, TimeUnit.SECONDS);
            long raised = hub.topics().get(0).lastSeq();
            assertTrue(raised > old, raised + " is not above " + old);
        }
        try (Hub hub = builder().build()) { // no publish in between: the raised last seq was stored
            hub.ready().get(30, TimeUnit.SECONDS);
            assertTrue(hub.publish("log", "2").get(10, TimeUnit.SECONDS).seq() > old);
        }
    }

    @Test
    void anUntouchedStoreRestartsNormallyAndAFreshFolderNeedsNoFlag() throws Exception {
        long old = publishSome();
        try (Hub hub = builder().build()) {
            hub.ready().get(30, TimeUnit.SECONDS);
            assertEquals(old + 1, hub.publish("log", "1").get(10, TimeUnit.SECONDS).seq());
        }
    }

    @Test
    void aReclaimedTopicLeavesTheStoreAndComesBackAboveItsOldNumbers() throws Exception {
        MutableClock clock = new MutableClock();
        try (Hub hub = builder().clock(clock).pruneInterval(Duration.ofMillis(10)).build()) {
            for (int i = 1; i <= 7; i++) {
                hub.publish("gone", Integer.toString(i)).get(10, TimeUnit.SECONDS);
            }
            clock.advance(Duration.ofHours(2)); // its history expires
            HubTopicLifecycleTest.waitFor(() -> hub.topics().isEmpty());
        }
        try (Hub hub = builder().build()) {
            hub.ready().get(30, TimeUnit.SECONDS);
            assertTrue(hub.topics().isEmpty(), hub.topics().toString()); // gone from the store too
            assertEquals(8, hub.publish("gone", "8").get(10, TimeUnit.SECONDS).seq());
        }
    }
}
