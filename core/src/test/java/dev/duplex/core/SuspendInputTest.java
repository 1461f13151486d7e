package dev.duplex.core;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link WebSocketEngine#suspendInput()}: receive stops after the message, the rest is processed when given again. */
class SuspendInputTest {
    private final List<String> texts = new ArrayList<>();
    private final List<Integer> errors = new ArrayList<>();
    private final OutboundBuffer out = new OutboundBuffer(BufferPool.heap());
    private WebSocketEngine engine;

    private WebSocketEngine engine(boolean suspend) {
        engine = new WebSocketEngine(Role.CLIENT, new EngineHandler() {
            @Override
            public void onText(ByteBuffer utf8) {
                texts.add(StandardCharsets.UTF_8.decode(utf8).toString());
                if (suspend) {
                    engine.suspendInput();
                }
            }

            @Override
            public void onProtocolError(ProtocolException e) {
                errors.add(e.closeCode());
            }
        }, out);
        return engine;
    }

    private static ByteBuffer frames(String... texts) {
        ByteBuffer b = ByteBuffer.allocate(1024);
        for (String t : texts) {
            byte[] p = t.getBytes(StandardCharsets.UTF_8);
            b.put((byte) 0x81).put((byte) p.length).put(p);
        }
        b.put((byte) 0x83).put((byte) 0); // reserved opcode: 1002
        return b.flip();
    }

    @Test
    void receiveStopsAfterTheMessageAndTheCallerResumesWithTheRest() {
        WebSocketEngine e = engine(true);
        ByteBuffer in = frames("one", "two");
        e.receive(in);
        assertEquals(List.of("one"), texts);
        assertEquals(5, in.position(), "stopped right after the first frame");
        assertEquals(0, out.drain().length, "nothing queued yet: the violation is not read");
        e.receive(in);
        assertEquals(List.of("one", "two"), texts);
        assertTrue(e.sendText("answer"), "the answer to 'one' and 'two' still goes out");
        e.receive(in);
        assertEquals(List.of(CloseCodes.PROTOCOL_ERROR), errors);
        assertFalse(in.hasRemaining());
        byte[] wire = out.drain();
        assertEquals(0x81, wire[0] & 0xFF, "the answer first");
        assertEquals(0x88, wire[2 + 4 + 6] & 0xFF, "then the close frame (client frames are masked: 2 + 4 + payload)");
    }

    @Test
    void withoutSuspendEverythingIsConsumedAtOnce() {
        WebSocketEngine e = engine(false);
        ByteBuffer in = frames("one", "two");
        e.receive(in);
        assertEquals(List.of("one", "two"), texts);
        assertEquals(List.of(CloseCodes.PROTOCOL_ERROR), errors);
        assertFalse(in.hasRemaining());
    }
}
