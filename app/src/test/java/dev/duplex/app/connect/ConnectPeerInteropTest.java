package dev.duplex.app.connect;

import dev.duplex.testkit.PeerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code duplex connect} against third-party servers run as processes: Python websockets 10.4 and Node ws
 * (testkit {@link PeerProcess} echo servers; their {@code __close}, {@code __terminate} and {@code __ping}
 * control messages make them close, drop or ping).
 */
@Timeout(90)
class ConnectPeerInteropTest {

    @Test
    void execAgainstPythonWebsockets() {
        try (PeerProcess python = PeerProcess.pythonEchoServer("--no-deflate")) {
            Run run = Run.piped("", "--exec", "héllo wörld", python.uri("/").toString());
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals("héllo wörld\n", run.out().replace("\r\n", "\n"), run::toString);
            assertFalse(run.hasAnsi());
        }
    }

    @Test
    void pipedLinesBinaryPingAndCompressionWithPythonWebsockets() {
        try (PeerProcess python = PeerProcess.pythonEchoServer()) { // deflate on, as in websockets
            Run run = Run.piped("one\n/binary cafe\n/ping p1\n{\"k\":[1,2]}\n", "--compress", "--pretty",
                    python.uri("/").toString());
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals(List.of("one", "cafe", "{", "  \"k\": [ 1, 2 ]", "}"), run.outLines(), run::toString);
            assertTrue(run.err().contains("extensions: permessage-deflate"), run::toString);
            assertTrue(run.err().contains("pong after"), run::toString);
        }
    }

    @Test
    void serverCloseCodeFromPythonExits1() {
        try (PeerProcess python = PeerProcess.pythonEchoServer("--no-deflate")) {
            Run run = Run.piped("__close 4002 going away now\n", "--wait", "5", python.uri("/").toString());
            assertEquals(1, run.exitCode(), run::toString);
            assertTrue(run.err().contains("closed the connection with 4002 going away now"), run::toString);
        }
    }

    @Test
    void droppedConnectionExits1With1006() {
        try (PeerProcess python = PeerProcess.pythonEchoServer("--no-deflate")) {
            Run run = Run.piped("before\n__terminate\n", "--wait", "5", python.uri("/").toString());
            assertEquals(1, run.exitCode(), run::toString);
            assertEquals(List.of("before"), run.outLines(), run::toString);
            assertTrue(run.err().contains("without a close handshake (1006"), run::toString);
        }
    }

    @Test
    void echoModeAnswersTheServersPingRequestWithNodeWs() {
        try (PeerProcess node = PeerProcess.nodeEchoServer()) {
            // the line goes out, comes back, is echoed, comes back again...: --echo ping-pongs with an echo server
            // until we close; here the input's end does not close (echo mode), so /close after a round trip
            Run run = Run.piped("ball\n/close 4000 enough\n", "--echo", node.uri("/").toString());
            assertEquals(0, run.exitCode(), run::toString);
            assertTrue(run.outLines().stream().allMatch("ball"::equals), run::toString);
            assertTrue(run.err().contains("closed: 4000"), run::toString);
        }
    }

    @Test
    void execAgainstNodeWs() {
        try (PeerProcess node = PeerProcess.nodeEchoServer()) {
            Run run = Run.piped("", "--exec", "{\"a\":1}", "--pretty", node.uri("/").toString());
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals(List.of("{", "  \"a\": 1", "}"), run.outLines(), run::toString);
        }
    }
}
