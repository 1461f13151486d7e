package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The H2 store: what was acked survives a restart, and sequence numbers continue. */
class HubStorageTest {
    @TempDir
    Path data;

    private Hub open(int history) {
        return Hub.builder().dataDirectory(data).history(history, Duration.ofHours(1)).fanout(Fanout.DIRECT).build();
    }

    @Test
    void aRestartKeepsEveryAckedMessageAndSeqContinues() throws Exception {
        try (Hub hub = open(100)) {
            FakePeer p = new FakePeer(hub, "alice");
            for (int i = 1; i <= 20; i++) {
                p.request("{\"type\":\"publish\",\"topic\":\"log\",\"data\":{\"i\":" + i + "},\"ack\":true}");
            }
            for (int i = 1; i <= 20; i++) {
                assertEquals(i, p.next("ack").get("seq").asLong());
            }
            assertEquals(21, hub.publish("log", "\"last\"").get(10, TimeUnit.SECONDS).seq());
            assertEquals(1, hub.publish("other", "1").get(10, TimeUnit.SECONDS).seq());
        }
        try (Hub hub = open(100)) {
            assertEquals(21, hub.topics().stream().filter(t -> t.name().equals("log")).findFirst().orElseThrow().lastSeq());
            FakePeer p = new FakePeer(hub, "bob");
            p.request("{\"type\":\"subscribe\",\"topic\":\"log\",\"since\":0}");
            assertEquals(21, p.next("subscribed").get("seq").asLong());
            for (int i = 1; i <= 20; i++) {
                JsonNode m = p.next("message");
                assertEquals(i, m.get("seq").asLong());
                assertEquals(i, m.at("/data/i").asInt());
                assertEquals("alice", m.at("/from/name").asText());
            }
            assertEquals("last", p.next("message").get("data").asText());
            assertEquals(22, hub.publish("log", "22").get(10, TimeUnit.SECONDS).seq());
            assertEquals(22, p.next("message").get("seq").asLong());
            assertEquals(2, hub.publish("other", "2").get(10, TimeUnit.SECONDS).seq());
        }
    }

    @Test
    void seqContinuesEvenWhenEveryMessageWasPruned() throws Exception {
        try (Hub hub = Hub.builder().dataDirectory(data).history(0, Duration.ofHours(1)).pruneInterval(Duration.ofMillis(10))
                .fanout(Fanout.DIRECT).build()) {
            for (int i = 1; i <= 5; i++) {
                hub.publish("t", Integer.toString(i)).get(10, TimeUnit.SECONDS);
            }
            FakePeer p = new FakePeer(hub, "p");
            p.request("{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":1}");
            p.next("subscribed");
            JsonNode gap = p.next("gap");
            assertEquals(2, gap.get("from").asLong());
            assertEquals(5, gap.get("to").asLong());
        }
        try (Hub hub = open(10)) {
            assertEquals(6, hub.publish("t", "6").get(10, TimeUnit.SECONDS).seq());
        }
    }

    @Test
    void aSecondHubCannotOpenTheSameFolder() {
        try (Hub first = open(10)) {
            HubException e = assertThrows(HubException.class, () -> open(10));
            assertEquals("internal", e.code());
            assertTrue(e.getMessage().contains(data.toString()), e.getMessage());
        }
    }
}
