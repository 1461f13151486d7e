package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The resume invariant: for any history size, number of kept messages, resume point and number of publishes
 * racing the replay, a subscriber with {@code since} sees one gap (exactly the pruned range, if any) and then
 * every later seq exactly once, in order. A {@code since} beyond the topic's current seq subscribes live.
 */
class ResumePropertiesTest {

    @Property(tries = 40)
    void resumeSeesEverySeqAfterSinceOnceInOrder(@ForAll @IntRange(min = 0, max = 60) int kept,
                                                 @ForAll @IntRange(min = 0, max = 120) int before,
                                                 @ForAll @IntRange(min = 0, max = 130) int since,
                                                 @ForAll @IntRange(min = 0, max = 80) int racing) throws Exception {
        try (Hub hub = Hub.builder().inMemory().history(kept, Duration.ofHours(1)).fanout(Fanout.DIRECT).build()) {
            for (int i = 1; i <= before; i++) {
                hub.publish("t", "{\"i\":" + i + ",\"pad\":\"" + "z".repeat(3000) + "\"}");
            }
            if (before > 0) {
                hub.publish("t", "0").get(10, TimeUnit.SECONDS); // barrier; becomes seq before+1
            }
            long last = before > 0 ? before + 1 : 0;
            FakePeer p = new FakePeer(hub, "p");
            Thread racer = new Thread(() -> {
                for (int i = 0; i < racing; i++) {
                    hub.publish("t", "1");
                }
            });
            racer.start();
            p.request("{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":" + since + "}");
            long seqAtSubscribe = p.next("subscribed").get("seq").asLong();
            racer.join(10_000);
            long total = last + racing;
            // a since beyond the topic's seq (the client knew a store that was lost) means: live from now on
            long expected = Math.min(since, seqAtSubscribe) + 1;
            boolean gapAllowed = true;
            while (expected <= total) {
                JsonNode n = p.next();
                if (n.get("type").asText().equals("gap")) {
                    assertEquals(true, gapAllowed, () -> "a second gap: " + n);
                    assertEquals(expected, n.get("from").asLong());
                    expected = n.get("to").asLong() + 1;
                    assertEquals(true, kept < total, () -> "a gap though nothing was pruned: " + n);
                    assertEquals(true, expected <= total + 1, n::toString);
                } else {
                    assertEquals("message", n.get("type").asText(), n::toString);
                    assertEquals(expected, n.get("seq").asLong(), n::toString);
                    expected++;
                }
                gapAllowed = false;
            }
            p.expectNothingMore();
        }
    }
}
