package dev.duplex.core;

import dev.duplex.core.extension.Extension;

import java.nio.ByteBuffer;
import java.util.List;

/** One engine with a recording handler, fed from byte arrays in chosen splits. */
final class EngineFixture {
    final RecordingHandler handler;
    final WebSocketEngine engine;

    EngineFixture(Role role, EngineConfig config, RecordingHandler handler, List<Extension> extensions) {
        this.handler = handler;
        this.engine = new WebSocketEngine(role, config, handler, new OutboundBuffer(BufferPool.heap()), extensions);
    }

    static EngineFixture server() {
        return new EngineFixture(Role.SERVER, EngineConfig.defaults(), new RecordingHandler(), List.of());
    }

    static EngineFixture client() {
        return new EngineFixture(Role.CLIENT, EngineConfig.defaults(), new RecordingHandler(), List.of());
    }

    static EngineFixture of(Role role, EngineConfig config) {
        return new EngineFixture(role, config, new RecordingHandler(), List.of());
    }

    EngineFixture feed(byte[] bytes) {
        engine.receive(ByteBuffer.wrap(bytes.clone()));
        return this;
    }

    /** Feeds the bytes one at a time. */
    EngineFixture feedBytewise(byte[] bytes) {
        for (byte b : bytes) {
            engine.receive(ByteBuffer.wrap(new byte[]{b}));
        }
        return this;
    }

    byte[] sent() {
        return engine.outbound().drain();
    }

    List<String> events() {
        return handler.events;
    }
}
