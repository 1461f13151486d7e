package dev.duplex.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Random messages encoded by one engine and parsed back by the other from random splits of the bytes. */
class RoundTripPropertiesTest {

    record Message(boolean text, String string, byte[] bytes, int fragments) {
        byte[] payload() {
            return text ? string.getBytes(StandardCharsets.UTF_8) : bytes;
        }
    }

    @Provide
    Arbitrary<List<Message>> messages() {
        Arbitrary<Message> text = Combinators.combine(
                Arbitraries.strings().all().ofMaxLength(3000).filter(s -> !hasLoneSurrogate(s)),
                Arbitraries.integers().between(1, 4)).as((s, f) -> new Message(true, s, null, f));
        Arbitrary<Message> binary = Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(70_000),
                Arbitraries.integers().between(1, 4)).as((b, f) -> new Message(false, null, b, f));
        return Arbitraries.oneOf(text, binary).list().ofMaxSize(8);
    }

    @Property(tries = 200)
    void clientToServer(@ForAll("messages") List<Message> messages, @ForAll long seed) {
        roundTrip(Role.CLIENT, messages, seed);
    }

    @Property(tries = 200)
    void serverToClient(@ForAll("messages") List<Message> messages, @ForAll long seed) {
        roundTrip(Role.SERVER, messages, seed);
    }

    @Property(tries = 100)
    void configuredFragmentationRoundTrips(@ForAll("messages") List<Message> messages,
                                           @ForAll @IntRange(min = 1, max = 5000) int fragmentSize, @ForAll long seed) {
        EngineConfig config = EngineConfig.builder().fragmentSize(fragmentSize).build();
        EngineFixture sender = EngineFixture.of(Role.SERVER, config);
        EngineFixture receiver = EngineFixture.client();
        for (Message m : messages) {
            if (m.text()) {
                sender.engine.sendText(m.string());
            } else {
                sender.engine.sendBinary(ByteBuffer.wrap(m.bytes()));
            }
        }
        feedInRandomSplits(receiver, sender.sent(), new Random(seed));
        assertReceived(messages, receiver);
    }

    private static void roundTrip(Role senderRole, List<Message> messages, long seed) {
        Random random = new Random(seed);
        EngineFixture sender = EngineFixture.of(senderRole, EngineConfig.defaults());
        EngineFixture receiver = EngineFixture.of(senderRole == Role.CLIENT ? Role.SERVER : Role.CLIENT,
                EngineConfig.defaults());
        for (Message m : messages) {
            send(sender.engine, m, random);
        }
        feedInRandomSplits(receiver, sender.sent(), random);
        assertReceived(messages, receiver);
    }

    private static void send(WebSocketEngine engine, Message m, Random random) {
        byte[] payload = m.payload();
        if (m.fragments() == 1) {
            if (m.text()) {
                engine.sendText(m.string());
            } else {
                engine.sendBinary(ByteBuffer.wrap(payload));
            }
            return;
        }
        int[] cuts = random.ints(m.fragments() - 1, 0, payload.length + 1).sorted().toArray();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : payload.length;
            engine.sendFragment(m.text(), ByteBuffer.wrap(payload, from, to - from), i == cuts.length);
            if (random.nextInt(4) == 0) {
                engine.ping(ByteBuffer.wrap(new byte[]{(byte) i}));
            }
            from = to;
        }
    }

    private static void feedInRandomSplits(EngineFixture receiver, byte[] wire, Random random) {
        int at = 0;
        while (at < wire.length) {
            int n = 1 + random.nextInt(random.nextBoolean() ? 16 : 20_000);
            n = Math.min(n, wire.length - at);
            byte[] piece = new byte[n];
            System.arraycopy(wire, at, piece, 0, n);
            receiver.feed(piece);
            at += n;
        }
    }

    private static void assertReceived(List<Message> messages, EngineFixture receiver) {
        List<String> dataEvents = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < receiver.events().size(); i++) {
            String e = receiver.events().get(i);
            if (e.startsWith("text:") || e.startsWith("binary:")) {
                dataEvents.add(e);
                payloads.add(receiver.handler.payloads.get(payloadIndex(receiver, i)));
            } else if (!e.startsWith("ping:")) {
                throw new AssertionError("unexpected event " + e);
            }
        }
        assertEquals(messages.size(), dataEvents.size());
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            assertEquals(m.text(), dataEvents.get(i).startsWith("text:"));
            assertArrayEquals(m.payload(), payloads.get(i));
        }
    }

    private static int payloadIndex(EngineFixture receiver, int eventIndex) {
        int n = 0;
        for (int i = 0; i < eventIndex; i++) {
            String e = receiver.events().get(i);
            if (e.startsWith("text:") || e.startsWith("binary:")) {
                n++;
            }
        }
        return n;
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
