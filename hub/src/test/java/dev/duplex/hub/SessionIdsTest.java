package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session ids never repeat across restarts, so stored messages keep pointing at their real author. */
class SessionIdsTest {
    @TempDir
    Path data;

    private Hub open() {
        return Hub.builder().dataDirectory(data).history(100, Duration.ofHours(1)).fanout(Fanout.DIRECT).build();
    }

    @Test
    void aRestartedHubDoesNotGiveANewConnectionTheIdOfStoredMessages() throws Exception {
        String before;
        try (Hub hub = open()) {
            FakePeer alice = new FakePeer(hub, "alice");
            before = alice.welcome.get("session").asText();
            alice.request("{\"type\":\"publish\",\"topic\":\"room\",\"data\":\"hi\",\"ack\":true}");
            alice.next("ack");
        }
        try (Hub hub = open()) {
            hub.ready().get(30, TimeUnit.SECONDS);
            FakePeer first = new FakePeer(hub, "bob");
            String after = first.welcome.get("session").asText();
            assertNotEquals(before, after, "the first connection after the restart");
            first.request("{\"type\":\"subscribe\",\"topic\":\"room\",\"since\":0}");
            first.next("subscribed");
            JsonNode old = first.next("message");
            assertEquals(before, old.at("/from/session").asText(), "history keeps the author's id");
            assertNotEquals(after, old.at("/from/session").asText());
        }
    }

    @Test
    void idsAreShortCountedAndPrefixedPerStart() {
        SessionIds a = new SessionIds(new Random(1));
        SessionIds b = new SessionIds(new Random(2));
        String a1 = a.next();
        assertTrue(a1.matches("s[a-z2-9]{6}-1"), a1);
        assertEquals(a1.substring(0, a1.length() - 1) + "2", a.next());
        assertNotEquals(a1, b.next());
    }
}
