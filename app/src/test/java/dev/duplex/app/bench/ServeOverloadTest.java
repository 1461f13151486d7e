package dev.duplex.app.bench;

import dev.duplex.testkit.JdkWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code duplex serve} under attack, end to end and scaled to CI: the server runs in a JVM of its own with a small
 * heap (-Xmx256m, exiting on OutOfMemoryError) and short progress timeouts, while a few hundred hostile sockets
 * hit it at once (non-reading /echo writers, partial frames, slowloris heads, non-reading /broadcast members) and
 * a few well-behaved clients echo 32-byte messages and ask /healthz. The server must stay up, keep answering the
 * good clients, shed the hostile connections, and give the memory back once the attack is over.
 */
@Timeout(120)
class ServeOverloadTest {
    /** The longest an attack group may run: each ends as soon as the server has shed all its connections. */
    private static final String ATTACK = "25s";
    /*
     * The latency bounds are generous on purpose: the test must pass on a 2-core CI machine shared with other jobs,
     * where the attackers, the good clients and the server compete for the same cores (on the development machine,
     * with a load average near 20: echo p99 0.3-1.7 s, /healthz p99 0.7-3.7 s). A server that stops serving its
     * good clients (a stuck loop, memory exhausted, an attack group holding it up) misses them by far.
     */
    /** Every echo answer must come within this, and the p99 within {@link #ECHO_P99_MILLIS}. */
    private static final Duration ECHO_DEADLINE = Duration.ofSeconds(5);
    private static final long ECHO_P99_MILLIS = 3_000;
    /**
     * Every /healthz answer within this, the p99 within {@link #HEALTH_P99_MILLIS}: each request is a new TCP
     * connection (the server answers plain HTTP with Connection: close), accepted among the attack's.
     */
    private static final Duration HEALTH_DEADLINE = Duration.ofSeconds(8);
    private static final long HEALTH_P99_MILLIS = 6_000;
    private static final int PER_ADDRESS_LIMIT = 40;
    /** Non-reading /echo writers from one address: the ones over the per-address limit get 503. */
    private static final int SLOWREAD = 50;

    /** Serve options: short progress timeouts so the shedding shows within seconds; a per-address limit. */
    static final List<String> SERVE_ARGS = List.of("--memory", "--no-demo",
            "--handshake-timeout", "2s", "--read-timeout", "2s", "--write-timeout", "2s",
            "--max-connections-per-ip", Integer.toString(PER_ADDRESS_LIMIT));

    @Test
    void serveShedsHostileConnectionsKeepsAnsweringAndGivesTheMemoryBack() throws Exception {
        try (ServeProcess serve = ServeProcess.start(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"), SERVE_ARGS)) {
            Map<String, Double> baseline = serve.metrics();
            GoodClients good = new GoodClients(serve, 4);
            ExecutorService attackers = Executors.newFixedThreadPool(4);
            Future<BenchRun> slowread;
            Future<BenchRun> partial;
            Future<BenchRun> slowloris;
            Future<BenchRun> broadcast;
            try {
                good.start();
                // each group from its own 127.0.0.x (40 or fewer per address), so the per-address limit refuses
                // only slowread's surplus
                // the writers are rate-capped: what matters is that they never read, and the shared 2-core CI
                // machine must not spend the test on copying megabytes
                slowread = attackers.submit(() -> BenchRun.of(serve.url("/echo"), "--mode", "slowread", "-c",
                        Integer.toString(SLOWREAD), "--size", "16384", "--rate", "4000", "-d", ATTACK,
                        "--source-addresses", "127.0.0.2"));
                partial = attackers.submit(() -> BenchRun.of(serve.url("/echo"), "--mode", "partial", "-c", "120",
                        "--size", "60000", "-d", ATTACK, "--source-addresses", "127.0.0.3-127.0.0.5"));
                slowloris = attackers.submit(() -> BenchRun.of(serve.url("/echo"), "--mode", "slowloris", "-c", "100",
                        "--interval", "300ms", "-d", ATTACK, "--source-addresses", "127.0.0.6-127.0.0.8"));
                broadcast = attackers.submit(() -> BenchRun.of(serve.url("/broadcast/overload"), "--mode",
                        "slowread", "-c", "30", "--size", "4096", "--rate", "600", "-d", ATTACK,
                        "--source-addresses", "127.0.0.9"));
                for (Future<BenchRun> f : List.of(slowread, partial, slowloris, broadcast)) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                attackers.shutdownNow();
                good.stop();
            }
            for (Future<BenchRun> f : List.of(slowread, partial, slowloris, broadcast)) {
                System.out.println("ServeOverloadTest attack: " + f.get().stdout());
            }
            System.out.println("ServeOverloadTest metrics after the attack: " + serve.metrics());
            String context = "\nserver stderr:\n" + serve.stderrTail();
            assertTrue(serve.process().isAlive(), "the server process died" + context);

            // the well-behaved clients were answered all along, and quickly enough
            good.assertAnswered(context);

            // every group was shed by the server, none held until the end of the attack
            BenchRun sr = slowread.get();
            assertEquals(PER_ADDRESS_LIMIT, sr.number("attack", "attacking"), sr + context);
            assertEquals(SLOWREAD - PER_ADDRESS_LIMIT, sr.number("attack", "rejected"), sr + context);
            assertEquals(Map.of("503", (long) (SLOWREAD - PER_ADDRESS_LIMIT)), Map.copyOf(map(sr, "httpStatuses")),
                    sr::toString);
            assertEquals(SLOWREAD - PER_ADDRESS_LIMIT, sr.number("attack", "retryAfter"), sr::toString);
            assertShed(sr, Set.of("1013"), context);
            assertShed(partial.get(), Set.of("1008", "1009"), context);
            assertEquals(120, partial.get().number("attack", "attacking"), partial.get() + context);
            assertShed(slowloris.get(), Set.of(), context);
            assertEquals(0, slowloris.get().number("attack", "rejected"), slowloris.get() + context);
            assertShed(broadcast.get(), Set.of("1013"), context);

            // the memory held for peers goes back to what it was before the attack
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            Map<String, Double> after = serve.metrics();
            while (!backToBaseline(baseline, after) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                after = serve.metrics();
            }
            assertTrue(backToBaseline(baseline, after), "not back to the baseline within 15 s: before " + baseline
                    + "\nafter " + after + context);
            assertTrue(after.get("duplex_connections_shed_total") > 0, "the budget or the cap shed someone: " + after);
            assertTrue(serve.process().isAlive(), "the server process died" + context);
        }
    }

    private static boolean backToBaseline(Map<String, Double> before, Map<String, Double> now) {
        return now.get("duplex_queued_bytes") <= before.get("duplex_queued_bytes") + 64 * 1024
                && now.get("duplex_buffered_bytes") <= before.get("duplex_buffered_bytes") + 64 * 1024
                && now.get("duplex_connections_open") <= before.get("duplex_connections_open") + 2;
    }

    /** Every connection got in, and the server ended all of them, with close codes among {@code codes}. */
    private static void assertShed(BenchRun run, Set<String> codes, String context) {
        assertEquals(run.number("connections"), run.number("attack", "connected"), "connected: " + run + context);
        assertEquals(0, run.number("attack", "stillOpen"), "held until the end of the attack: " + run + context);
        assertEquals(run.number("attack", "attempted"), run.number("attack", "endedByServer"), run + context);
        assertTrue(codes.containsAll(map(run, "closeCodes").keySet()), "close codes " + run + context);
        assertTrue(run.decimal("runSeconds") < 24, "ended before the attack's time was up: " + run + context);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(BenchRun run, String field) {
        return (Map<String, Object>) run.at("attack", field);
    }

    /**
     * Well-behaved clients: each echoes a 32-byte message, waits for it (at most {@link #ECHO_DEADLINE}), pauses
     * 50 ms, again; one more thread asks /healthz every 200 ms. Latencies and failures are kept for the asserts.
     */
    private static final class GoodClients {
        private final ServeProcess serve;
        private final int count;
        private final List<JdkWebSocket> sockets = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private final ConcurrentLinkedQueue<Long> echoNanos = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Long> healthNanos = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private volatile boolean stopping;

        GoodClients(ServeProcess serve, int count) {
            this.serve = serve;
            this.count = count;
        }

        void start() throws Exception {
            for (int i = 0; i < count; i++) {
                JdkWebSocket ws = new JdkWebSocket(URI.create(serve.url("/echo")));
                sockets.add(ws);
                threads.add(new Thread(() -> echo(ws), "good-echo-" + i));
            }
            threads.add(new Thread(this::health, "good-healthz"));
            threads.forEach(Thread::start);
        }

        private void echo(JdkWebSocket ws) {
            byte[] message = new byte[32];
            Arrays.fill(message, (byte) 'g');
            while (!stopping) {
                long start = System.nanoTime();
                try {
                    ws.sendBinary(message);
                    JdkWebSocket.Event e = ws.poll(ECHO_DEADLINE);
                    if (!(e instanceof JdkWebSocket.Binary b) || b.data().length != 32) {
                        failures.add("echo: " + (e == null ? "no answer within " + ECHO_DEADLINE : e));
                        return;
                    }
                    echoNanos.add(System.nanoTime() - start);
                } catch (Exception ex) {
                    failures.add("echo: " + ex);
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }

        private void health() {
            while (!stopping) {
                long start = System.nanoTime();
                try {
                    HttpResponse<String> r = serve.get("/healthz", HEALTH_DEADLINE);
                    if (r.statusCode() != 200) {
                        failures.add("/healthz answered " + r.statusCode() + " " + r.body());
                    }
                    healthNanos.add(System.nanoTime() - start);
                } catch (Exception ex) {
                    failures.add("/healthz: " + ex);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }

        void stop() throws InterruptedException {
            stopping = true;
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(15));
            }
            sockets.forEach(JdkWebSocket::close);
        }

        void assertAnswered(String context) {
            assertTrue(failures.isEmpty(), "good clients failed: " + failures + context);
            List<Long> echo = sorted(echoNanos);
            List<Long> health = sorted(healthNanos);
            String figures = "echo " + echo.size() + " round trips, p50 " + percentile(echo, 50) / 1_000_000
                    + " ms, p99 " + percentile(echo, 99) / 1_000_000 + " ms; /healthz " + health.size()
                    + ", p99 " + percentile(health, 99) / 1_000_000 + " ms";
            assertTrue(echo.size() >= count * 10L, "too few round trips: " + figures + context);
            assertTrue(health.size() >= 5, "too few /healthz answers: " + figures + context);
            assertTrue(percentile(echo, 99) <= TimeUnit.MILLISECONDS.toNanos(ECHO_P99_MILLIS), figures + context);
            assertTrue(percentile(health, 99) <= TimeUnit.MILLISECONDS.toNanos(HEALTH_P99_MILLIS), figures + context);
            System.out.println("ServeOverloadTest good clients: " + figures);
        }

        private static List<Long> sorted(ConcurrentLinkedQueue<Long> values) {
            List<Long> list = new ArrayList<>(values);
            Collections.sort(list);
            return list;
        }

        private static long percentile(List<Long> sorted, double p) {
            if (sorted.isEmpty()) {
                return Long.MAX_VALUE;
            }
            int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }
    }
}
