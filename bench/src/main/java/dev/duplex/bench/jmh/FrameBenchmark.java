package dev.duplex.bench.jmh;

import dev.duplex.core.BufferPool;
import dev.duplex.core.EngineHandler;
import dev.duplex.core.OutboundBuffer;
import dev.duplex.core.Role;
import dev.duplex.core.WebSocketEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The engine's per-frame cost: parsing a read full of small frames (header, unmasking, UTF-8 validation, delivery to
 * the handler) and encoding small messages into the outbound buffer. Each invocation handles {@value #FRAMES} frames
 * of {@code size} payload bytes; scores are frames per microsecond.
 *
 * <p>{@code parseMaskedBinary} is the server's receive path (unmask in place; binary so the re-masked bytes of the
 * next invocation stay valid input); {@code parseText} is the client's (validated text, no mask).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameBenchmark {
    static final int FRAMES = 1000;

    @Param({"32", "1024"})
    public int size;

    private ByteBuffer maskedBinaryFrames;
    private ByteBuffer textFrames;
    private WebSocketEngine server;
    private WebSocketEngine client;
    private WebSocketEngine sender;
    private String message;
    private final ByteBuffer[] gathered = new ByteBuffer[64];

    @Setup
    public void setUp(Blackhole blackhole) {
        EngineHandler sink = new EngineHandler() {
            @Override
            public void onText(ByteBuffer utf8) {
                blackhole.consume(utf8.remaining());
            }

            @Override
            public void onBinary(ByteBuffer data) {
                blackhole.consume(data.remaining());
            }
        };
        server = new WebSocketEngine(Role.SERVER, sink, new OutboundBuffer(BufferPool.heap()));
        client = new WebSocketEngine(Role.CLIENT, sink, new OutboundBuffer(BufferPool.heap()));
        sender = new WebSocketEngine(Role.SERVER, sink, new OutboundBuffer(BufferPool.heap()));
        char[] chars = new char[size];
        Arrays.fill(chars, 'x');
        message = new String(chars);

        WebSocketEngine maskingClient = new WebSocketEngine(Role.CLIENT, sink, new OutboundBuffer(BufferPool.heap()));
        for (int i = 0; i < FRAMES; i++) {
            maskingClient.sendBinary(ByteBuffer.wrap(new byte[size]));
            sender.sendText(message);
        }
        maskedBinaryFrames = ByteBuffer.wrap(maskingClient.outbound().drain());
        textFrames = ByteBuffer.wrap(sender.outbound().drain());
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public void parseMaskedBinary() {
        maskedBinaryFrames.clear();
        server.receive(maskedBinaryFrames);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public void parseText() {
        textFrames.clear();
        client.receive(textFrames);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long encodeText() {
        OutboundBuffer out = sender.outbound();
        for (int i = 0; i < FRAMES; i++) {
            sender.sendText(message);
        }
        long size = out.size();
        writeAll(out);
        return size;
    }

    /** What a socket write does to the buffers: consume them all. */
    private void writeAll(OutboundBuffer out) {
        while (!out.isEmpty()) {
            int n = out.gather(gathered);
            for (int i = 0; i < n; i++) {
                gathered[i].position(gathered[i].limit());
            }
            out.reclaim();
        }
    }
}
