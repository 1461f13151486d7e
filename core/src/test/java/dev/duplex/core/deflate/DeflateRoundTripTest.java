package dev.duplex.core.deflate;

import dev.duplex.core.EngineConfig;
import dev.duplex.core.WebSocketEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Messages through two engines with negotiated permessage-deflate, both ways, wire bytes split at random. */
class DeflateRoundTripTest {

    static Stream<Arguments> parameterCombinations() {
        List<Arguments> all = new ArrayList<>();
        int[] windows = {8, 9, 12, 15};
        for (int mask = 0; mask < 4; mask++) {
            for (int serverBits : windows) {
                for (int clientBits : windows) {
                    all.add(Arguments.of((mask & 1) != 0, (mask & 2) != 0, serverBits, clientBits));
                }
            }
        }
        return all.stream();
    }

    private static byte[] payload(Random random, int size, boolean text) {
        byte[] b = new byte[size];
        String alphabet = "{\"id\":,[]abcdefghij0123456789 é€";
        if (text) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < size) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            byte[] utf8 = sb.toString().getBytes(StandardCharsets.UTF_8);
            return utf8;
        }
        for (int i = 0; i < size; i++) {
            b[i] = random.nextInt(4) == 0 ? (byte) random.nextInt() : (byte) (i % 61);
        }
        return b;
    }

    private static void send(WebSocketEngine engine, boolean text, byte[] bytes, int fragments, Random random) {
        if (fragments <= 1) {
            if (text) {
                engine.sendText(ByteBuffer.wrap(bytes));
            } else {
                engine.sendBinary(ByteBuffer.wrap(bytes));
            }
            return;
        }
        int[] cuts = random.ints(fragments - 1, 0, bytes.length + 1).sorted().toArray();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            if (text) { // cut at a character boundary: the engine checks text fragments as they are sent
                while (to < bytes.length && (bytes[to] & 0xC0) == 0x80) {
                    to++;
                }
                to = Math.max(to, from);
            }
            engine.sendFragment(text, ByteBuffer.wrap(bytes, from, to - from), i == cuts.length);
            from = to;
        }
    }

    @ParameterizedTest(name = "server_no_ctx={0} client_no_ctx={1} server_bits={2} client_bits={3}")
    @MethodSource("parameterCombinations")
    void everyParameterCombinationRoundTripsBothWays(boolean serverNoContext, boolean clientNoContext,
                                                     int serverBits, int clientBits) {
        PerMessageDeflate serverSide = PerMessageDeflate.builder().serverNoContextTakeover(serverNoContext)
                .clientNoContextTakeover(clientNoContext).serverMaxWindowBits(serverBits)
                .clientMaxWindowBits(clientBits).compressionThreshold(16).build();
        PerMessageDeflate clientSide = PerMessageDeflate.builder().serverMaxWindowBits(serverBits)
                .clientMaxWindowBits(clientBits).build();
        DeflatePair pair = new DeflatePair(serverSide, clientSide);
        Random random = new Random(serverBits * 1000L + clientBits * 10L + (serverNoContext ? 1 : 0)
                + (clientNoContext ? 2 : 0));
        int[] sizes = {0, 1, 15, 16, 100, 1000, 5000, 40_000, 150_000};
        List<Recorder.Message> sent = new ArrayList<>();
        for (int size : sizes) {
            boolean text = random.nextBoolean();
            byte[] bytes = payload(random, size, text);
            int fragments = random.nextInt(3) == 0 ? 1 + random.nextInt(5) : 1;
            send(pair.client, text, bytes, fragments, random);
            send(pair.server, text, bytes, fragments, random);
            sent.add(new Recorder.Message(text, bytes));
        }
        pair.clientToServer(random);
        pair.serverToClient(random);
        assertReceived(sent, pair.serverEvents);
        assertReceived(sent, pair.clientEvents);
    }

    @Test
    void multiMebibyteMessagesWholeFragmentedAndStreamed() {
        EngineConfig fragmenting = EngineConfig.builder().fragmentSize(100_000).build();
        EngineConfig streaming = EngineConfig.builder().streaming(true).build();
        DeflatePair pair = new DeflatePair(PerMessageDeflate.defaults(),
                PerMessageDeflate.builder().clientMaxWindowBits(10).build(), streaming, fragmenting);
        Random random = new Random(7);
        List<Recorder.Message> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            boolean text = i != 1;
            byte[] bytes = payload(random, (3 << 20) + random.nextInt(1 << 20), text);
            send(pair.client, text, bytes, i == 2 ? 40 : 1, random);
            sent.add(new Recorder.Message(text, bytes));
        }
        byte[] wire = pair.client.outbound().drain();
        DeflatePair.feed(pair.server, wire, random);
        assertReceived(sent, pair.serverEvents);
        for (Recorder.Message m : sent) {
            send(pair.server, m.text(), m.bytes(), 1, random);
        }
        pair.serverToClient(random);
        assertReceived(sent, pair.clientEvents);
        assertEquals(true, wire.length < sent.stream().mapToInt(m -> m.bytes().length).sum(), "compressed");
    }

    private static void assertReceived(List<Recorder.Message> sent, Recorder recorder) {
        assertNull(recorder.error, () -> "protocol error: " + recorder.error);
        assertEquals(sent.size(), recorder.messages.size());
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(sent.get(i).text(), recorder.messages.get(i).text(), "type of message " + i);
            assertArrayEquals(sent.get(i).bytes(), recorder.messages.get(i).bytes(), "message " + i);
        }
    }
}
