package dev.duplex.hub;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The /hub protocol against the hub logic and its writer thread, without sockets. */
class HubProtocolTest {
    private final List<Hub> hubs = new ArrayList<>();

    private Hub hub(HubLimits limits, int history) {
        Hub hub = Hub.builder().inMemory().history(history, Duration.ofHours(1)).limits(limits)
                .fanout(Fanout.DIRECT).build();
        hubs.add(hub);
        return hub;
    }

    private Hub hub() {
        return hub(HubLimits.defaults(), 1000);
    }

    @AfterEach
    void close() {
        hubs.forEach(Hub::close);
    }

    @Test
    void welcomeNamesTheSessionAndTheLimits() {
        Hub hub = hub();
        FakePeer alice = new FakePeer(hub, "alice");
        FakePeer guest = new FakePeer(hub, (String) null);
        assertEquals("alice", alice.welcome.get("name").asText());
        assertTrue(alice.welcome.get("session").asText().matches("s\\d+"));
        assertEquals("guest-" + guest.id(), guest.welcome.get("name").asText());
        assertEquals(65536, alice.welcome.at("/limits/maxMessageBytes").asInt());
        assertEquals(32, alice.welcome.at("/limits/maxTopics").asInt());
    }

    @Test
    void publishWithAckReachesSubscribersWithSeqTimestampAndAuthor() {
        Hub hub = hub();
        FakePeer alice = new FakePeer(hub, "alice");
        FakePeer bob = new FakePeer(hub, "bob");
        bob.request("{\"type\":\"subscribe\",\"id\":\"c1\",\"topic\":\"lobby\"}");
        JsonNode subscribed = bob.next("subscribed");
        assertEquals("c1", subscribed.get("id").asText());
        assertEquals(0, subscribed.get("seq").asLong());
        assertEquals(1, subscribed.get("memberCount").asInt());

        alice.request("{\"type\":\"publish\",\"id\":\"p1\",\"topic\":\"lobby\",\"data\":{\"text\":\"hi\",\"n\":[1,2]},\"ack\":true}");
        JsonNode ack = alice.next("ack");
        assertEquals("p1", ack.get("id").asText());
        assertEquals(1, ack.get("seq").asLong());
        JsonNode m = bob.next("message");
        assertEquals("lobby", m.get("topic").asText());
        assertEquals(1, m.get("seq").asLong());
        assertEquals(ack.get("ts").asLong(), m.get("ts").asLong());
        assertEquals(alice.id(), m.at("/from/session").asText());
        assertEquals("alice", m.at("/from/name").asText());
        assertEquals("{\"text\":\"hi\",\"n\":[1,2]}", m.get("data").toString());
        assertFalse(m.has("replay"));

        alice.request("{\"type\":\"publish\",\"topic\":\"lobby\",\"data\":\"second\"}");
        assertEquals(2, bob.next("message").get("seq").asLong());
        alice.expectNothingMore(); // not subscribed: no copy of its own messages; no ack without "ack":true
    }

    @Test
    void aSubscribedPublisherGetsItsAckThenItsOwnMessage() {
        Hub hub = hub();
        FakePeer alice = new FakePeer(hub, "alice");
        alice.request("{\"type\":\"subscribe\",\"topic\":\"t\"}");
        alice.next("subscribed");
        alice.request("{\"type\":\"publish\",\"id\":\"x\",\"topic\":\"t\",\"data\":null,\"ack\":true}");
        assertEquals(1, alice.next("ack").get("seq").asLong());
        JsonNode m = alice.next("message");
        assertEquals(1, m.get("seq").asLong());
        assertTrue(m.get("data").isNull());
    }

    @Test
    void presenceListsMembersAndAnnouncesJoinsAndLeaves() {
        Hub hub = hub();
        FakePeer alice = new FakePeer(hub, "alice");
        FakePeer bob = new FakePeer(hub, "bob");
        alice.request("{\"type\":\"subscribe\",\"topic\":\"room\"}");
        alice.next("subscribed");
        bob.request("{\"type\":\"subscribe\",\"topic\":\"room\"}");
        JsonNode subscribed = bob.next("subscribed");
        assertEquals(2, subscribed.get("memberCount").asInt());
        List<String> names = new ArrayList<>();
        subscribed.get("members").forEach(m -> names.add(m.get("name").asText()));
        assertEquals(List.of("alice", "bob"), names.stream().sorted().toList());

        JsonNode join = alice.next("join");
        assertEquals("room", join.get("topic").asText());
        assertEquals(bob.id(), join.at("/member/session").asText());
        assertEquals("bob", join.at("/member/name").asText());
        assertEquals(List.of("alice", "bob"), hub.members("room").stream().map(Member::name).sorted().toList());

        bob.request("{\"type\":\"unsubscribe\",\"id\":\"u\",\"topic\":\"room\"}");
        assertEquals("u", bob.next("unsubscribed").get("id").asText());
        assertEquals("bob", alice.next("leave").at("/member/name").asText());

        bob.request("{\"type\":\"subscribe\",\"topic\":\"room\"}");
        bob.next("subscribed");
        alice.next("join");
        bob.disconnect();
        assertEquals(bob.id(), alice.next("leave").at("/member/session").asText());
        alice.expectNothingMore();
        assertEquals(List.of("alice"), hub.members("room").stream().map(Member::name).toList());
    }

    @Test
    void membersShownAreCappedButCounted() {
        Hub hub = hub(HubLimits.builder().maxMembersShown(2).build(), 10);
        for (int i = 0; i < 4; i++) {
            FakePeer p = new FakePeer(hub, "p" + i);
            p.request("{\"type\":\"subscribe\",\"topic\":\"big\"}");
            p.next("subscribed");
        }
        FakePeer last = new FakePeer(hub, "last");
        last.request("{\"type\":\"subscribe\",\"topic\":\"big\"}");
        JsonNode s = last.next("subscribed");
        assertEquals(5, s.get("memberCount").asInt());
        assertEquals(2, s.get("members").size());
    }

    @Test
    void historyGivesTheLastNThenLiveMessages() throws Exception {
        Hub hub = hub();
        for (int i = 1; i <= 5; i++) {
            hub.publish("news", "{\"n\":" + i + "}").get(10, TimeUnit.SECONDS);
        }
        FakePeer reader = new FakePeer(hub, "reader");
        reader.request("{\"type\":\"subscribe\",\"topic\":\"news\",\"history\":3}");
        assertEquals(5, reader.next("subscribed").get("seq").asLong());
        for (int seq = 3; seq <= 5; seq++) {
            JsonNode m = reader.next("message");
            assertEquals(seq, m.get("seq").asLong());
            assertEquals(seq, m.at("/data/n").asInt());
            assertTrue(m.get("replay").asBoolean());
            assertEquals("server", m.at("/from/session").asText());
        }
        hub.publish("news", "6").get(10, TimeUnit.SECONDS);
        JsonNode live = reader.next("message");
        assertEquals(6, live.get("seq").asLong());
        assertFalse(live.has("replay"));
    }

    @Test
    void resumeSendsAGapForWhatIsNoLongerKeptThenExactlyTheRest() throws Exception {
        Hub hub = hub(HubLimits.defaults(), 5);
        for (int i = 1; i <= 10; i++) {
            hub.publish("ticks", Integer.toString(i)).get(10, TimeUnit.SECONDS);
        }
        FakePeer p = new FakePeer(hub, "p");
        p.request("{\"type\":\"subscribe\",\"topic\":\"ticks\",\"since\":2}");
        assertEquals(10, p.next("subscribed").get("seq").asLong());
        JsonNode gap = p.next("gap");
        assertEquals(3, gap.get("from").asLong());
        assertEquals(5, gap.get("to").asLong());
        for (int seq = 6; seq <= 10; seq++) {
            assertEquals(seq, p.next("message").get("seq").asLong());
        }
        p.expectNothingMore();

        FakePeer upToDate = new FakePeer(hub, "u");
        upToDate.request("{\"type\":\"subscribe\",\"topic\":\"ticks\",\"since\":10}");
        upToDate.next("subscribed");
        upToDate.expectNothingMore();
    }

    @Test
    void aResumeRacingPublishersSeesEverySeqOnceInOrder() throws Exception {
        // small replay chunks force many drain round trips while the publisher keeps going
        Hub hub = hub(HubLimits.builder().publishRate(1_000_000, 1_000_000).build(), 100_000);
        int before = 3_000;
        int during = 3_000;
        List<CompletableFuture<Published>> done = new ArrayList<>();
        for (int i = 1; i <= before; i++) {
            done.add(hub.publish("race", "{\"pad\":\"" + "x".repeat(200) + "\",\"i\":" + i + "}"));
        }
        done.get(before - 1).get(10, TimeUnit.SECONDS);
        FakePeer p = new FakePeer(hub, "late");
        Thread publisher = new Thread(() -> {
            for (int i = before + 1; i <= before + during; i++) {
                hub.publish("race", "{\"i\":" + i + "}");
            }
        });
        publisher.start();
        p.request("{\"type\":\"subscribe\",\"topic\":\"race\",\"since\":0}");
        p.next("subscribed");
        for (int seq = 1; seq <= before + during; seq++) {
            JsonNode m = p.next("message");
            assertEquals(seq, m.get("seq").asLong());
            assertEquals(seq, m.at("/data/i").asInt());
        }
        publisher.join(10_000);
        p.expectNothingMore();
    }

    @Test
    void errorsCarryTheRequestIdAndACode() {
        Hub hub = hub(HubLimits.builder().maxMessageBytes(200).maxTopicsPerConnection(1).build(), 10);
        FakePeer p = new FakePeer(hub, "p");
        p.request("not json");
        p.error("bad_request");
        p.request("[1,2]");
        p.error("bad_request");
        p.request("{\"id\":\"a\"}");
        assertEquals("a", p.error("bad_request").get("id").asText());
        p.request("{\"type\":\"dance\",\"id\":\"b\"}");
        assertEquals("b", p.error("unknown_type").get("id").asText());
        p.request("{\"type\":\"subscribe\",\"id\":\"c\",\"topic\":\".hidden\"}");
        assertEquals("c", p.error("invalid_topic").get("id").asText());
        p.request("{\"type\":\"subscribe\",\"topic\":\"has space\"}");
        p.error("invalid_topic");
        p.request("{\"type\":\"subscribe\",\"topic\":\"" + "x".repeat(65) + "\"}");
        p.error("invalid_topic");
        p.request("{\"type\":\"publish\",\"topic\":\"t\"}");
        p.error("bad_request");
        p.request("{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":-1}");
        p.error("bad_request");
        p.request("{\"type\":\"subscribe\",\"topic\":\"t\",\"since\":1,\"history\":2}");
        p.error("bad_request");
        p.request("{\"type\":\"publish\",\"topic\":\"t\",\"data\":\"" + "é".repeat(100) + "\"}");
        p.error("too_large");
        p.request("{\"type\":\"unsubscribe\",\"id\":\"d\",\"topic\":\"never\"}");
        assertEquals("d", p.error("not_subscribed").get("id").asText());
        p.request("{\"type\":\"subscribe\",\"topic\":\"one\"}");
        p.next("subscribed");
        p.request("{\"type\":\"subscribe\",\"id\":\"e\",\"topic\":\"two\"}");
        assertEquals("e", p.error("too_many_topics").get("id").asText());
        p.request("{\"type\":\"ping\",\"id\":\"h\"}");
        assertEquals("h", p.next("pong").get("id").asText());
        assertFalse(p.closed.isDone());
        assertTrue(hub.metrics().errors() >= 13);
    }

    @Test
    void publishesAboveTheRateAreRefused() {
        Hub hub = hub(HubLimits.builder().publishRate(1, 3).build(), 10);
        FakePeer p = new FakePeer(hub, "p");
        for (int i = 0; i < 3; i++) {
            p.request("{\"type\":\"publish\",\"topic\":\"t\",\"data\":1,\"ack\":true}");
        }
        p.request("{\"type\":\"publish\",\"id\":\"late\",\"topic\":\"t\",\"data\":1}");
        // the refusal comes from the event loop, the acks from the writer: their relative order is not fixed
        List<Long> acked = new ArrayList<>();
        String refusedId = null;
        for (int i = 0; i < 4; i++) {
            JsonNode n = p.next();
            if (n.get("type").asText().equals("ack")) {
                acked.add(n.get("seq").asLong());
            } else {
                assertEquals("rate_limited", n.get("code").asText(), n::toString);
                refusedId = n.get("id").asText();
            }
        }
        assertEquals(List.of(1L, 2L, 3L), acked);
        assertEquals("late", refusedId);
    }

    @Test
    void requestsAboveTheRateAreRefusedAndAbuseCloses1008() throws Exception {
        Hub hub = hub(HubLimits.builder().requestRate(1, 2).maxErrorBurst(3).build(), 10);
        FakePeer p = new FakePeer(hub, "p");
        p.request("{\"type\":\"ping\"}");
        p.request("{\"type\":\"ping\"}");
        p.next("pong");
        p.next("pong");
        p.request("{\"type\":\"ping\",\"id\":\"3\"}");
        assertEquals("3", p.error("rate_limited").get("id").asText());
        assertFalse(p.closed.isDone());
        for (int i = 0; i < 3; i++) {
            p.request("{\"type\":\"ping\"}");
        }
        assertEquals(1008, p.closed.get(10, TimeUnit.SECONDS)); // queued behind its requests on the writer
    }

    @Test
    void rightsDecideWhoMayPublishAndSubscribe() {
        Hub hub = hub();
        Rights rights = new Rights(List.of(new TopicPattern("chat.*")),
                List.of(new TopicPattern("chat.*"), new TopicPattern("news")));
        FakePeer p = new FakePeer(hub, new Identity("limited", rights));
        p.request("{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"admin\"}");
        assertEquals("1", p.error("forbidden").get("id").asText());
        p.request("{\"type\":\"publish\",\"id\":\"2\",\"topic\":\"news\",\"data\":1}");
        assertEquals("2", p.error("forbidden").get("id").asText());
        p.request("{\"type\":\"subscribe\",\"topic\":\"news\"}");
        p.next("subscribed");
        p.request("{\"type\":\"publish\",\"topic\":\"chat.lobby\",\"data\":1,\"ack\":true}");
        p.next("ack");
        p.request("{\"type\":\"publish\",\"topic\":\"chat\",\"data\":1}");
        p.error("forbidden");
    }

    @Test
    void aSlowConsumerIsClosedWith1013AndLeaves() throws Exception {
        Hub hub = hub(HubLimits.builder().maxOutboundBytes(1000).build(), 10);
        FakePeer fast = new FakePeer(hub, "fast");
        FakePeer slow = new FakePeer(hub, "slow");
        for (FakePeer p : List.of(fast, slow)) {
            p.request("{\"type\":\"subscribe\",\"topic\":\"t\"}");
            p.next("subscribed");
        }
        fast.next("join");
        slow.buffered = 5000;
        hub.publish("t", "1").get(10, TimeUnit.SECONDS);
        assertEquals(1013, slow.closed.get(10, TimeUnit.SECONDS));
        assertEquals("slow", fast.next("leave").at("/member/name").asText());
        assertEquals(1, fast.next("message").get("seq").asLong());
        assertEquals(1, hub.metrics().slowConsumersClosed());
        assertEquals(List.of("fast"), hub.members("t").stream().map(Member::name).toList());
    }

    @Test
    void serverPublishCompletesAfterCommitAndListenersSeeEverything() throws Exception {
        Hub hub = hub();
        List<String> events = new CopyOnWriteArrayList<>();
        hub.addListener(new HubListener() {
            @Override
            public void onMessage(HubMessage m) {
                events.add("message " + m.topic() + " " + m.seq() + " " + m.from().name() + " " + m.data());
            }

            @Override
            public void onJoin(String topic, Member member) {
                events.add("join " + topic + " " + member.name());
            }

            @Override
            public void onLeave(String topic, Member member) {
                events.add("leave " + topic + " " + member.name());
            }
        });
        FakePeer p = new FakePeer(hub, "p");
        p.request("{\"type\":\"subscribe\",\"topic\":\"prices\"}");
        p.next("subscribed");
        Published published = hub.publish("prices", " { \"eur\" : 1.08 } ").get(10, TimeUnit.SECONDS);
        assertEquals(new Published("prices", 1, published.timestamp()), published);
        assertEquals("{\"eur\":1.08}", p.next("message").get("data").toString());
        p.disconnect();
        hub.publish("prices", "2").get(10, TimeUnit.SECONDS); // a barrier: the leave was handled before this
        assertEquals(List.of("join prices p", "message prices 1 server {\"eur\":1.08}", "leave prices p",
                "message prices 2 server 2"), events);
        assertEquals(List.of(new TopicInfo("prices", 2, 0)), hub.topics());
        HubMetrics m = hub.metrics();
        assertEquals(2, m.published());
        assertEquals(2, m.stored());
        assertEquals(1, m.delivered());
    }

    @Test
    void serverPublishRejectsBadInputAtOnce() {
        Hub hub = hub();
        assertThrows(IllegalArgumentException.class, () -> hub.publish("bad topic", "1"));
        assertThrows(IllegalArgumentException.class, () -> hub.publish("t", "{nope"));
        assertThrows(IllegalArgumentException.class, () -> hub.publish("t", ""));
        assertThrows(IllegalArgumentException.class, () -> hub.publish("t", "\"" + "x".repeat(70_000) + "\""));
    }

    @Test
    void theHubKeepsABoundedNumberOfTopics() throws Exception {
        Hub hub = hub(HubLimits.builder().maxTopics(2).build(), 10);
        hub.publish("a", "1").get(10, TimeUnit.SECONDS);
        hub.publish("b", "1").get(10, TimeUnit.SECONDS);
        CompletableFuture<Published> third = hub.publish("c", "1");
        Exception e = assertThrows(Exception.class, () -> third.get(10, TimeUnit.SECONDS));
        assertEquals("too_many_topics", ((HubException) e.getCause()).code());
        FakePeer p = new FakePeer(hub, "p");
        p.request("{\"type\":\"subscribe\",\"topic\":\"d\"}");
        p.error("too_many_topics");
    }

    @Test
    void closingFailsLaterPublishes() {
        Hub hub = hub();
        hub.close();
        CompletableFuture<Published> f = hub.publish("t", "1");
        Exception e = assertThrows(Exception.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof HubException);
    }
}
