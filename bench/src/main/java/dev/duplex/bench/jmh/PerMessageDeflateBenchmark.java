package dev.duplex.bench.jmh;

import dev.duplex.core.BufferPool;
import dev.duplex.core.EngineConfig;
import dev.duplex.core.EngineHandler;
import dev.duplex.core.OutboundBuffer;
import dev.duplex.core.Role;
import dev.duplex.core.WebSocketEngine;
import dev.duplex.core.deflate.PerMessageDeflate;
import dev.duplex.core.extension.Extension;
import dev.duplex.core.extension.ExtensionFactory;
import dev.duplex.core.extension.ExtensionNegotiation;
import dev.duplex.core.extension.NegotiatedExtensions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * permessage-deflate cost for a ~1 KiB JSON-like text message: {@code send} is framing (plus compressing) one
 * message on a server engine; {@code roundTrip} is that plus parsing (and inflating) it on a client engine, so
 * inflate cost = roundTrip - send. Modes: {@code plain} (no extension), {@code takeover} (defaults: context
 * takeover both ways), {@code noTakeover} (server_no_context_takeover and client_no_context_takeover),
 * {@code noTakeoverPooled} (the same with MemoryPolicy.RELEASE_WHEN_IDLE).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PerMessageDeflateBenchmark {

    @Param({"plain", "takeover", "noTakeover", "noTakeoverPooled"})
    public String mode;

    private WebSocketEngine server;
    private WebSocketEngine client;
    private ByteBuffer message;
    private ByteBuffer wire;
    private Sink sink;

    /** A quote-like JSON text of about 1 KiB with the repetition real payloads have. */
    static String json() {
        StringBuilder sb = new StringBuilder("{\"type\":\"book\",\"symbol\":\"ACME\",\"levels\":[");
        int i = 0;
        while (sb.length() < 1000) {
            sb.append(i == 0 ? "" : ",").append("{\"price\":").append(101.25 + i * 0.05)
                    .append(",\"size\":").append(100 + i * 37 % 900).append(",\"venue\":\"XNAS\"}");
            i++;
        }
        return sb.append("],\"seq\":123456789}").toString();
    }

    @Setup(Level.Trial)
    public void setUp() {
        message = ByteBuffer.wrap(json().getBytes(StandardCharsets.UTF_8));
        List<Extension> serverExt = List.of();
        List<Extension> clientExt = List.of();
        if (!mode.equals("plain")) {
            PerMessageDeflate.Builder b = PerMessageDeflate.builder();
            if (!mode.equals("takeover")) {
                b.serverNoContextTakeover(true).clientNoContextTakeover(true);
            }
            if (mode.equals("noTakeoverPooled")) {
                b.memoryPolicy(PerMessageDeflate.MemoryPolicy.RELEASE_WHEN_IDLE);
            }
            List<ExtensionFactory> factories = List.of(b.build());
            NegotiatedExtensions n = ExtensionNegotiation.serverNegotiate(factories,
                    ExtensionNegotiation.clientOffers(factories));
            serverExt = n.extensions();
            clientExt = ExtensionNegotiation.clientAccept(factories, n.responseOffers());
        }
        server = new WebSocketEngine(Role.SERVER, EngineConfig.defaults(), new EngineHandler() { },
                new OutboundBuffer(BufferPool.heap()), serverExt);
        sink = new Sink();
        client = new WebSocketEngine(Role.CLIENT, EngineConfig.defaults(), sink,
                new OutboundBuffer(BufferPool.heap()), clientExt);
        wire = ByteBuffer.allocate(64 * 1024);
    }

    static final class Sink implements EngineHandler {
        Blackhole bh;

        @Override
        public void onText(ByteBuffer utf8) {
            if (bh != null) {
                bh.consume(utf8.get(utf8.position()));
            }
        }
    }

    @Benchmark
    public int send() {
        server.sendText(message);
        int n = server.outbound().drainTo(wire);
        wire.clear();
        return n;
    }

    @Benchmark
    public void roundTrip(Blackhole bh) {
        sink.bh = bh;
        server.sendText(message);
        server.outbound().drainTo(wire);
        wire.flip();
        client.receive(wire);
        wire.clear();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.receiveEof();
        client.receiveEof();
    }
}
