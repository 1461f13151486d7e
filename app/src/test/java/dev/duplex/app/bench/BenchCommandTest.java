package dev.duplex.app.bench;

import dev.duplex.net.WebSocketServer;
import dev.duplex.testkit.PeerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code duplex bench} against real servers on 127.0.0.1: it counts exactly what it was asked to, reports errors
 * by kind, and its JSON has the documented fields. Correctness only: no assertion on speed.
 */
@Timeout(120)
class BenchCommandTest {
    private static WebSocketServer server;

    @BeforeAll
    static void startServer() throws IOException {
        server = TestServers.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @Test
    void echoCountsExactlyTheMessagesAskedFor() {
        BenchRun run = BenchRun.of(TestServers.url(server, "/echo"), "-c", "4", "--in-flight", "8", "-n", "2003",
                "--size", "100", "--timeout", "10s");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("echo", run.at("mode"));
        assertEquals(2003, run.number("messages"), run::toString);
        assertEquals(2003 * 100, run.number("payloadBytes"));
        assertEquals(2003, run.number("latencyMicros", "count"));
        assertEquals(4, run.number("connect", "opened"));
        assertEquals(0, run.number("errors", "total"));
        assertTrue(run.decimal("latencyMicros", "p50") > 0, run::toString);
        assertTrue(run.decimal("latencyMicros", "max") >= run.decimal("latencyMicros", "p99"), run::toString);
        assertTrue(run.decimal("messagesPerSecond") > 0, run::toString);
    }

    @Test
    void echoOfTextAndOfLargeMessagesWithSeveralThreads() {
        BenchRun text = BenchRun.of(TestServers.url(server, "/echo"), "-c", "3", "--in-flight", "2", "-n", "500",
                "--type", "text", "--size", "20", "--threads", "2");
        assertEquals(0, text.exitCode(), text::toString);
        assertEquals(500, text.number("messages"));
        assertEquals("text", text.at("type"));

        // 70000 bytes: the 64-bit length form, and frames larger than one read
        BenchRun large = BenchRun.of(TestServers.url(server, "/echo"), "-c", "2", "--in-flight", "3", "-n", "40",
                "--size", "70000");
        assertEquals(0, large.exitCode(), large::toString);
        assertEquals(40, large.number("messages"));
        assertEquals(40L * 70000, large.number("payloadBytes"));
    }

    @Test
    void timedEchoRunMeasuresItsWindowAndTheRateCapHolds() {
        BenchRun run = BenchRun.of(TestServers.url(server, "/echo"), "-c", "2", "-d", "500ms", "--warmup", "100ms",
                "--rate", "200");
        assertEquals(0, run.exitCode(), run::toString);
        double window = run.decimal("windowSeconds");
        assertTrue(window >= 0.5 && window < 5, run::toString);
        long messages = run.number("messages");
        // 200/s over about half a second: about 100; a cap is a cap, so well under what an uncapped run does
        assertTrue(messages >= 40 && messages <= 160, run::toString);
    }

    @Test
    void echoAgainstNodeWs() {
        try (PeerProcess node = PeerProcess.nodeEchoServer()) {
            BenchRun run = BenchRun.of(node.uri("/").toString(), "-c", "3", "--in-flight", "4", "-n", "1000",
                    "--type", "text");
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals(1000, run.number("messages"));
            assertEquals(0, run.number("errors", "total"));
        }
    }

    @Test
    void fanoutDeliversEveryMessageToEverySubscriber() {
        BenchRun run = BenchRun.of(TestServers.url(server, "/broadcast"), "--mode", "fanout", "-c", "5",
                "--publishers", "2", "--in-flight", "4", "-n", "301", "--size", "48", "--threads", "2");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(301, run.number("published"), run::toString);
        assertEquals(301 * 5, run.number("deliveries"), run::toString);
        assertEquals(301 * 5, run.number("latencyMicros", "count"));
        assertEquals(7, run.number("connect", "opened"));
        assertEquals(2, run.number("publishers"));
        assertEquals(0, run.number("errors", "total"));
    }

    @Test
    void fanoutAgainstAnEchoEndpointCannotJoinAndSaysWhy() {
        BenchRun run = BenchRun.of(TestServers.url(server, "/echo"), "--mode", "fanout", "-c", "2", "-n", "10",
                "--timeout", "500ms");
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(String.valueOf(run.at("aborted")).contains("subscribers received"), run::toString);
    }

    @Test
    void connectModeOpensAndHoldsEveryConnection() {
        BenchRun run = BenchRun.of(TestServers.url(server, "/echo"), "--mode", "connect", "-c", "60",
                "--concurrency", "16", "--hold", "200ms", "--threads", "2");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(60, run.number("connect", "opened"));
        assertEquals(0, run.number("connect", "failed"));
        assertEquals(60, run.number("connect", "latencyMicros", "count"));
        assertTrue(run.decimal("connect", "perSecond") > 0, run::toString);
        assertNotNull(run.at("benchCpu", "microsPerConnection"));
    }

    @Test
    void connectionsComeFromTheGivenSourceAddresses() {
        BenchRun run = BenchRun.of(TestServers.url(server, "/echo"), "--mode", "connect", "-c", "9",
                "--hold", "0", "--source-addresses", "127.0.0.2-127.0.0.4");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(9, run.number("connect", "opened"));
        assertTrue(TestServers.ECHO_PEERS.containsAll(List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")),
                TestServers.ECHO_PEERS::toString);
    }

    @Test
    void handshakeRefusalsAreCountedAsHandshakeErrors() {
        BenchRun run = BenchRun.of(TestServers.url(server, "/no-such-endpoint"), "-c", "3", "-n", "10");
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(3, run.number("errors", "handshake"), run::toString);
        assertEquals(3, run.number("connect", "failed"));
        assertEquals(0, run.number("messages"));
        @SuppressWarnings("unchecked")
        Map<String, Object> examples = (Map<String, Object>) run.at("errorExamples");
        assertTrue(examples.containsKey("handshake: HTTP 404 Not Found"), run::toString);
    }

    @Test
    void refusedConnectionsAreCountedAsConnectErrors() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        BenchRun run = BenchRun.of("ws://127.0.0.1:" + closedPort + "/echo", "-c", "2", "-n", "10");
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(2, run.number("errors", "connect"), run::toString);
        assertTrue(String.valueOf(run.at("aborted")).startsWith("no connection could be opened (first error:"
                + " connect: "), run::toString);
    }

    /** Connections that opened and were then closed are not "no connection could be opened". */
    @Test
    void anEndpointThatDoesNotEchoAbortsSayingWhatHappened() {
        BenchRun run = BenchRun.of(TestServers.url(server, "/greet"), "-c", "3", "-n", "10", "--timeout", "5s");
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(3, run.number("connect", "opened"), run::toString);
        assertEquals("all 3 connections opened, then closed before the load started (first error: protocol: a"
                + " message arrived that was not an echo of one sent)", run.at("aborted"), run::toString);
    }

    @Test
    void serverClosesAreCountedAsClosedErrors() {
        BenchRun run = BenchRun.of(TestServers.url(server, "/hangup"), "-c", "3", "-n", "30", "--timeout", "5s");
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(3, run.number("errors", "closed"), run::toString);
        assertTrue(run.number("messages") < 30, run::toString);
        @SuppressWarnings("unchecked")
        Map<String, Object> examples = (Map<String, Object>) run.at("errorExamples");
        assertTrue(examples.keySet().stream().anyMatch(k -> k.contains("1011")), run::toString);
    }

    @Test
    void serverPidReportsTheCpuOfThatProcess() {
        long self = ProcessHandle.current().pid();
        BenchRun run = BenchRun.of(TestServers.url(server, "/echo"), "-c", "2", "--in-flight", "4", "-d", "300ms",
                "--warmup", "0", "--server-pid", Long.toString(self));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(self, run.number("serverCpu", "pid"));
        assertNull(run.at("serverCpu", "problem"), run::toString);
        // the "server" is this JVM, which ran the echo server and the bench during the window
        assertTrue(run.decimal("serverCpu", "percentOfCore") > 0, run::toString);
        assertTrue(run.decimal("serverCpu", "microsPerMessage") > 0, run::toString);
        assertTrue(run.decimal("benchCpu", "percentOfCore") > 0, run::toString);
    }

    @Test
    void jsonHasTheDocumentedFields() {
        BenchRun run = BenchRun.of(TestServers.url(server, "/echo"), "-c", "1", "-n", "5");
        for (String field : List.of("tool", "mode", "url", "connections", "threads", "inFlight", "size", "type",
                "rate", "warmupSeconds", "countedMessages", "aborted", "connect", "windowSeconds", "messages",
                "messagesPerSecond", "payloadBytes", "megabytesPerSecond", "latencyMicros", "errors",
                "errorExamples", "benchCpu", "serverCpu")) {
            run.at(field);
        }
        for (String p : List.of("count", "mean", "p50", "p90", "p99", "p99_9", "max")) {
            run.at("latencyMicros", p);
        }
        for (ErrorKind kind : ErrorKind.values()) {
            assertEquals(0, run.number("errors", kind.key()));
        }
        assertNull(run.at("serverCpu"));
    }

    @Test
    void badOptionsAreRejectedWithExitCode2() {
        assertEquals(2, BenchRun.of("http://127.0.0.1:1/", "-n", "1").exitCode());
        BenchRun small = BenchRun.of(TestServers.url(server, "/broadcast"), "--mode", "fanout", "--size", "8");
        assertEquals(2, small.exitCode());
        assertTrue(small.stderr().contains("at least 32"), small::toString);
        assertEquals(2, BenchRun.of(TestServers.url(server, "/echo"), "--mode", "sideways").exitCode());
        assertEquals(2, BenchRun.of(TestServers.url(server, "/echo"), "-d", "ten seconds").exitCode());
    }
}
