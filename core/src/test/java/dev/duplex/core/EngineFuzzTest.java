package dev.duplex.core;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the frame parser and engine: whatever bytes arrive, in whatever chunks, nothing but
 * the engine's own {@link ProtocolException} may come out (and that only through the handler), and the memory
 * the engine holds stays within its limits.
 *
 * <p>In a normal build this replays the inputs under {@code src/test/resources/.../EngineFuzzTestInputs}; the
 * build's {@code fuzz} execution runs it with {@code JAZZER_FUZZ=1} for a bounded time.
 */
class EngineFuzzTest {
    private static final long MAX_MESSAGE = 64 * 1024;

    @FuzzTest(maxDuration = "30s")
    void anyInputFailsOnlyWithTheEnginesOwnError(FuzzedDataProvider data) {
        int mode = data.consumeInt(0, 3);
        Role role = (mode & 1) == 0 ? Role.SERVER : Role.CLIENT;
        EngineConfig config = EngineConfig.builder().maxFrameSize(16 * 1024).maxMessageSize(MAX_MESSAGE)
                .streaming(mode >= 2).build();
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onText(ByteBuffer utf8) {
                assertTrue(Utf8Validator.isValid(utf8), "delivered text is valid UTF-8");
            }

            @Override
            public void onBinary(ByteBuffer data) {
                assertTrue(data.remaining() <= MAX_MESSAGE);
            }
        };
        WebSocketEngine engine = new WebSocketEngine(role, config, handler, new OutboundBuffer(BufferPool.heap()), List.of());
        long fed = 0;
        while (data.remainingBytes() > 0) {
            int chunk = data.consumeInt(1, 4096);
            byte[] bytes = data.consumeBytes(chunk);
            fed += bytes.length;
            engine.receive(ByteBuffer.wrap(bytes));
            assertTrue(engine.retainedBytes() <= 2 * MAX_MESSAGE + 125, "retained " + engine.retainedBytes());
            assertTrue(engine.outbound().size() <= fed + 256, "outbound grows with input only");
        }
        if (handler.error != null) {
            assertTrue(List.of(1002, 1007, 1009).contains(handler.error.closeCode()), handler.error.toString());
        }
    }
}
