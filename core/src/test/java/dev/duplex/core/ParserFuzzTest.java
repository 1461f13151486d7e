package dev.duplex.core;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.duplex.core.handshake.HandshakeException;
import dev.duplex.core.handshake.RequestParser;
import dev.duplex.core.handshake.ResponseParser;
import dev.duplex.core.handshake.ServerHandshake;
import dev.duplex.core.internal.Utf8Validator;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of everything that parses peer input: the engine (frame parser, assembly, UTF-8, close
 * handling) in both roles, whole and streaming, and the handshake's request and response parsers. Whatever bytes
 * arrive, in whatever chunks, nothing but the component's own typed error may come out, and memory stays within
 * the configured limits.
 *
 * <p>One target on purpose: Jazzer fuzzes a single {@code @FuzzTest} per JVM. A normal build replays the inputs
 * under {@code src/test/resources/dev/duplex/core/ParserFuzzTestInputs}; the build's {@code fuzz} execution runs
 * with {@code JAZZER_FUZZ=1} for {@link FuzzTest#maxDuration()}.
 */
class ParserFuzzTest {
    private static final long MAX_MESSAGE = 64 * 1024;
    private static final int MAX_HEAD = 1024;

    @FuzzTest(maxDuration = "45s")
    void anyInputFailsOnlyWithTheOwnTypedError(FuzzedDataProvider data) {
        int target = data.consumeInt(0, 5);
        if (target < 4) {
            fuzzEngine(target, data);
        } else {
            fuzzHandshake(target == 4, data);
        }
    }

    private static void fuzzEngine(int mode, FuzzedDataProvider data) {
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
            byte[] bytes = data.consumeBytes(data.consumeInt(1, 4096));
            fed += bytes.length;
            engine.receive(ByteBuffer.wrap(bytes));
            assertTrue(engine.retainedBytes() <= 2 * MAX_MESSAGE + 125, "retained " + engine.retainedBytes());
            // Each 3-byte ping a client receives costs a 7-byte masked pong: output grows at most 7/3 as fast
            // as input. Holding it is the transport's job (its high-water mark pauses reading).
            assertTrue(engine.outbound().size() <= 3 * fed + 256, "outbound grows in proportion to input only");
        }
        if (handler.error != null) {
            assertTrue(List.of(1002, 1007, 1009).contains(handler.error.closeCode()), handler.error.toString());
        }
    }

    private static void fuzzHandshake(boolean request, FuzzedDataProvider data) {
        RequestParser requests = new RequestParser(MAX_HEAD, 20);
        ResponseParser responses = new ResponseParser(MAX_HEAD, 20);
        long consumed = 0;
        try {
            while (data.remainingBytes() > 0) {
                ByteBuffer in = ByteBuffer.wrap(data.consumeBytes(data.consumeInt(1, 512)));
                int before = in.remaining();
                Object done = request ? requests.feed(in) : responses.feed(in);
                consumed += before - in.remaining();
                assertTrue(consumed <= MAX_HEAD, "consumed " + consumed + " bytes past the head limit");
                if (done != null) {
                    if (request && ServerHandshake.isUpgradeRequest(requests.feed(in))) {
                        ServerHandshake.validate(requests.feed(in));
                    }
                    return;
                }
            }
        } catch (HandshakeException expected) {
            assertTrue(expected.httpStatus() >= 400 && expected.httpStatus() < 600, expected.toString());
        }
    }
}
