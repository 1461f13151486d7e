package dev.duplex.bench.net;

import dev.duplex.core.deflate.PerMessageDeflate;
import dev.duplex.net.Endpoint;
import dev.duplex.net.EndpointOptions;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Standalone measurements of our server with permessage-deflate (not a test; see docs/benchmarks.md):
 *
 * <pre>
 * throughput CONFIG CONNECTIONS MESSAGES   echo load: each connection sends MESSAGES ~1 KiB JSON-like text
 *                                          messages (64 in flight) to an echo endpoint; prints msgs/s and
 *                                          process CPU µs per echoed message
 * idle CONFIG CONNECTIONS                  opens CONNECTIONS clients, echoes one message on each, then prints
 *                                          heap after GC and RSS growth per idle connection
 * </pre>
 *
 * CONFIG: {@code plain}, {@code deflate} (defaults), {@code deflate-nct} (no context takeover both ways, RETAIN),
 * {@code deflate-idle} (no context takeover both ways, RELEASE_WHEN_IDLE). Clients are raw sockets in this JVM
 * that send uncompressed frames (allowed on a compressed connection) and do not inflate, so the compression cost
 * measured is the server's deflate of each echo; the plain configuration is the baseline for client costs.
 */
public final class ServerDeflateMeasure {
    private static final String MESSAGE = message();

    private ServerDeflateMeasure() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String config = args[1];
        int connections = Integer.parseInt(args[2]);
        WebSocketServer server = startServer(config);
        try {
            if (mode.equals("throughput")) {
                throughput(server.port(), config, connections, Integer.parseInt(args[3]));
            } else {
                idle(server, config, connections);
            }
        } finally {
            server.stop();
        }
    }

    private static WebSocketServer startServer(String config) throws IOException {
        EndpointOptions.Builder options = EndpointOptions.builder();
        switch (config) {
            case "plain" -> { }
            case "deflate" -> options.compression(PerMessageDeflate.defaults());
            case "deflate-nct" -> options.compression(PerMessageDeflate.builder().serverNoContextTakeover(true)
                    .clientNoContextTakeover(true).build());
            case "deflate-idle" -> options.compression(PerMessageDeflate.builder().serverNoContextTakeover(true)
                    .clientNoContextTakeover(true).memoryPolicy(PerMessageDeflate.MemoryPolicy.RELEASE_WHEN_IDLE)
                    .build());
            default -> throw new IllegalArgumentException("config: plain, deflate, deflate-nct, deflate-idle");
        }
        Endpoint echo = new Endpoint() {
            @Override
            public void onText(ServerSession session, String text) {
                session.send(text);
            }
        };
        return WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .endpoint("/echo", echo, options.build()).build().start();
    }

    // ----------------------------------------------------------------------------------- throughput

    private static void throughput(int port, String config, int connections, int messages) throws Exception {
        byte[] frame = clientFrame(MESSAGE.getBytes(StandardCharsets.UTF_8));
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(new Client(port));
        }
        runLoad(clients, frame, Math.max(1, messages / 10)); // warm-up
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        long wire = runLoad(clients, frame, messages);
        long elapsed = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        long total = (long) connections * messages;
        System.out.printf("throughput %s: %d connections x %d msgs of %d B: %.0f msgs/s, %.1f µs CPU/msg,"
                        + " %.0f wire bytes/echo%n", config, connections, messages, MESSAGE.length(),
                total / (elapsed / 1e9), cpu / 1e3 / total, (double) wire / total);
        for (Client c : clients) {
            c.close();
        }
    }

    /** Every client sends {@code messages} frames with 64 in flight and reads the echoes; returns wire bytes read. */
    private static long runLoad(List<Client> clients, byte[] frame, int messages) throws Exception {
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] wire = new long[clients.size()];
        for (int i = 0; i < clients.size(); i++) {
            Client c = clients.get(i);
            int index = i;
            Thread t = new Thread(() -> {
                try {
                    int sent = 0;
                    int received = 0;
                    while (received < messages) {
                        while (sent < messages && sent - received < 64) {
                            c.out.write(frame);
                            sent++;
                        }
                        c.out.flush();
                        wire[index] += c.readFrameLength();
                        received++;
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
        return Arrays.stream(wire).sum();
    }

    // ----------------------------------------------------------------------------------------- idle

    private static void idle(WebSocketServer server, String config, int connections) throws Exception {
        byte[] frame = clientFrame(MESSAGE.getBytes(StandardCharsets.UTF_8));
        // one connection first so that classes, pools and buffers exist before the baseline
        try (Client warm = new Client(server.port())) {
            warm.out.write(frame);
            warm.out.flush();
            warm.readFrameLength();
        }
        long heap0 = heapAfterGc();
        long rss0 = rssBytes();
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Client c = new Client(server.port());
            c.out.write(frame);
            c.out.flush();
            c.readFrameLength();
            clients.add(c);
        }
        long heap1 = heapAfterGc();
        long rss1 = rssBytes();
        System.out.printf("idle %s: %d connections: heap after GC +%.1f KiB/conn, RSS +%.1f KiB/conn"
                        + " (heap %.1f -> %.1f MiB, RSS %.1f -> %.1f MiB; open sessions %d)%n",
                config, connections, (heap1 - heap0) / 1024.0 / connections, (rss1 - rss0) / 1024.0 / connections,
                heap0 / 1048576.0, heap1 / 1048576.0, rss0 / 1048576.0, rss1 / 1048576.0, server.sessions().size());
        for (Client c : clients) {
            c.close();
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    // -------------------------------------------------------------------------------------- helpers

    /** A ~1 KiB JSON-like text message (repetitive, as chat/event payloads are). */
    private static String message() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; sb.length() < 1000; i++) {
            sb.append("{\"id\":").append(1000 + i).append(",\"user\":\"user").append(i % 7)
                    .append("\",\"text\":\"hello from the load generator\",\"ok\":true},");
        }
        sb.setCharAt(sb.length() - 1, ']');
        return sb.toString();
    }

    /** A masked, final, uncompressed text frame (mask 0: the payload bytes stay as they are). */
    private static byte[] clientFrame(byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x81);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        }
        f.writeBytes(new byte[4]);
        f.writeBytes(payload);
        return f.toByteArray();
    }

    /** A blocking raw client that offers permessage-deflate and reads frames without inflating them. */
    private static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final DataInputStream in;
        final OutputStream out;

        Client(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 16384));
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 65536);
            out.write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            int last4 = 0;
            StringBuilder head = new StringBuilder();
            while (last4 != 0x0D0A0D0A) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed during the handshake");
                }
                head.append((char) b);
                last4 = (last4 << 8) | b;
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new IOException("not upgraded: " + head);
            }
        }

        /** Reads one frame, discards its payload and returns its wire size. */
        long readFrameLength() throws IOException {
            in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7F;
            int header = 2;
            if (len == 126) {
                len = in.readUnsignedShort();
                header = 4;
            } else if (len == 127) {
                len = in.readLong();
                header = 10;
            }
            in.skipNBytes(len);
            return header + len;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

}
