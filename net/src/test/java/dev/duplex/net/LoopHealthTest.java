package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Never a zombie: the watchdog reports a blocked loop, an Error on a loop is reported and the loop goes on, a
 * throwing onError is logged and counted, and the acceptor backs off (without spinning or flooding the log) when
 * file descriptors run out, then serves again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoopHealthTest {
    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theWatchdogReportsABlockedLoopAndItsRecovery() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<ServerHealth> changes = new LinkedBlockingQueue<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .watchdog(Duration.ofMillis(200)).healthListener(changes::add)
                .endpoint("/ws", new Endpoint() {
                    @Override
                    public void onText(ServerSession s, String text) {
                        try {
                            release.await(30, TimeUnit.SECONDS); // a callback that blocks its loop
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                })
                .build().start();
        assertTrue(server.isHealthy());
        try (RawClient c = new RawClient(server.port()).upgrade("/ws")) {
            c.send(ClientFrames.frame(1, "block".getBytes(StandardCharsets.UTF_8)));
            ServerHealth bad = changes.poll(10, TimeUnit.SECONDS);
            assertNotNull(bad, "the watchdog noticed");
            assertFalse(bad.healthy());
            assertEquals(1, bad.stalledLoops());
            assertTrue(bad.problems().get(0).contains("duplex-server-"), bad.problems().toString());
            assertFalse(server.isHealthy());
            assertEquals(1, server.metrics().loopsNotTurning());
            release.countDown();
            ServerHealth good = changes.poll(10, TimeUnit.SECONDS);
            assertNotNull(good);
            assertTrue(good.healthy());
            assertTrue(server.isHealthy());
        }
    }

    @Test
    void anErrorOnTheLoopIsReportedAndTheLoopGoesOn() throws Exception {
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).watchdog(Duration.ofMillis(200))
                .endpoint("/ws", new Endpoint() {
                    @Override
                    public void onText(ServerSession s, String text) {
                        if (text.equals("oom")) {
                            throw new OutOfMemoryError("simulated");
                        }
                        s.send(text);
                    }

                    @Override
                    public void onError(ServerSession s, Throwable error) {
                        errors.add(error);
                    }
                })
                .build().start();
        try (RawClient victim = new RawClient(server.port()).upgrade("/ws");
             RawClient other = new RawClient(server.port()).upgrade("/ws")) {
            victim.send(ClientFrames.frame(1, "oom".getBytes(StandardCharsets.UTF_8)));
            assertInstanceOf(OutOfMemoryError.class, errors.poll(10, TimeUnit.SECONDS));
            RawClient.Frame close = victim.readFrame();
            assertEquals(8, close.opcode());
            assertEquals(1011, close.closeCode());
            other.send(ClientFrames.frame(1, "alive".getBytes(StandardCharsets.UTF_8)));
            assertArrayEquals("alive".getBytes(StandardCharsets.UTF_8), other.readFrame().payload());
            assertTrue(server.isHealthy());
        }
        // and straight on a loop: a task throwing an Error does not end the loop thread
        BlockingQueue<Throwable> sink = new LinkedBlockingQueue<>();
        EventLoop loop = new EventLoop("error-test", sink::add);
        try {
            loop.execute(() -> {
                throw new OutOfMemoryError("simulated on the loop");
            });
            CountDownLatch after = new CountDownLatch(1);
            loop.execute(after::countDown);
            assertInstanceOf(OutOfMemoryError.class, sink.poll(10, TimeUnit.SECONDS));
            assertTrue(after.await(10, TimeUnit.SECONDS));
            assertTrue(loop.isAlive());
        } finally {
            loop.shutdown();
            assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aThrowingOnErrorIsLoggedWithItsStackTraceAndCounted() throws Exception {
        Logger jul = Logger.getLogger(ServerConnection.class.getName());
        BlockingQueue<LogRecord> records = new LinkedBlockingQueue<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        try {
            server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                    .endpoint("/ws", new Endpoint() {
                        @Override
                        public void onText(ServerSession s, String text) {
                            throw new IllegalStateException("onText failed");
                        }

                        @Override
                        public void onError(ServerSession s, Throwable error) {
                            throw new IllegalArgumentException("onError failed too");
                        }
                    })
                    .build().start();
            long errorsBefore = server.metrics().errors();
            try (RawClient c = new RawClient(server.port()).upgrade("/ws")) {
                c.send(ClientFrames.frame(1, "x".getBytes(StandardCharsets.UTF_8)));
                LogRecord r = records.poll(10, TimeUnit.SECONDS);
                assertNotNull(r, "logged, not swallowed");
                assertEquals(Level.SEVERE, r.getLevel());
                assertInstanceOf(IllegalArgumentException.class, r.getThrown());
                assertEquals("onText failed", r.getThrown().getSuppressed()[0].getMessage());
                assertEquals(1011, c.readFrame().closeCode());
                assertEquals(errorsBefore + 2, server.metrics().errors(), "the callback and its onError");
            }
        } finally {
            jul.removeHandler(capture);
        }
    }

    @Test
    void theAcceptorBacksOffWhenFileDescriptorsRunOutAndServesAgainAfter() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classpath = System.getProperty("java.class.path");
        Process child = new ProcessBuilder("bash", "-c", "ulimit -n 128; exec \"$0\" -Xmx64m -cp \"$1\" "
                + FdLimitedServer.class.getName(), java.toString(), classpath).start();
        List<Socket> clients = new ArrayList<>();
        AtomicInteger acceptLines = new AtomicInteger();
        Thread stderr = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    // the server's default error handler prints each failure the rate-limited log lets through
                    if (line.contains("Too many open files")) {
                        acceptLines.incrementAndGet();
                    }
                }
            } catch (IOException ignored) {
                // the child ended
            }
        });
        stderr.setDaemon(true);
        stderr.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            OutputStream commands = child.getOutputStream();
            int port = Integer.parseInt(out.readLine().trim());
            for (int i = 0; i < 200; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000); // the kernel's backlog takes them
                clients.add(s);
            }
            awaitTrue(() -> acceptLines.get() > 0, "the first failed accept is logged");
            long cpuBefore = cpuNanos(child.pid());
            long windowStart = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2000)); // a measuring window, not a wait for an event
            long cpu = cpuNanos(child.pid()) - cpuBefore;
            long wall = System.nanoTime() - windowStart;
            int lines = acceptLines.get();
            assertTrue(cpu < wall / 2, "the child used " + cpu / 1_000_000 + " ms of CPU in " + wall / 1_000_000
                    + " ms: no spinning");
            assertTrue(lines <= 4, lines + " lines about failed accepts: rate-limited");
            for (Socket s : clients) {
                s.close();
            }
            clients.clear();
            commands.write("failures\n".getBytes(StandardCharsets.UTF_8));
            commands.flush();
            long failures = Long.parseLong(out.readLine().trim());
            assertTrue(failures >= 2 && failures < 50, failures + " failed accepts: backing off, not spinning");
            // once the clients left, the server serves again: an echo and a health check
            try (RawClient c = new RawClient(port).upgrade("/ws")) {
                c.send(ClientFrames.frame(1, "back".getBytes(StandardCharsets.UTF_8)));
                assertArrayEquals("back".getBytes(StandardCharsets.UTF_8), c.readFrame().payload());
            }
            try (RawClient c = new RawClient(port)) {
                c.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertTrue(c.readHead().startsWith("HTTP/1.1 200"));
            }
            commands.close();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        } finally {
            for (Socket s : clients) {
                s.close();
            }
            child.destroyForcibly();
        }
    }

    /** User plus system CPU time of a process, from /proc (Linux). */
    private static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            Thread.onSpinWait();
        }
    }
}
