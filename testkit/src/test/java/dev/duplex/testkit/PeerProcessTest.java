package dev.duplex.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The harness's own behaviour: where it looks, how it reports failures, what close() ends. */
class PeerProcessTest {

  @Test
  void repoRootHoldsTheWrapperAndThePeers() {
    assertTrue(Files.isRegularFile(PeerProcess.repoRoot().resolve("mvnw")));
    assertTrue(Files.isRegularFile(PeerProcess.repoRoot().resolve("peers/node/echo-server.js")));
    assertTrue(Files.isRegularFile(PeerProcess.repoRoot().resolve("peers/python/echo_server.py")));
  }

  @Test
  void badServerOptionFailsFastWithTheServersOwnMessage() {
    PeerProcess.requireNodePeers();
    AssertionError e =
        assertThrows(AssertionError.class, () -> PeerProcess.nodeEchoServer("--no-such-option"));
    assertTrue(e.getMessage().contains("unknown option --no-such-option"), e.getMessage());
    assertTrue(e.getMessage().contains("exited with 64"), e.getMessage());
  }

  @Test
  void readLineTimesOutWithADiagnosticInsteadOfHanging() {
    try (PeerProcess server = PeerProcess.nodeEchoServer()) {
      long start = System.nanoTime();
      AssertionError e =
          assertThrows(AssertionError.class, () -> server.readLine(Duration.ofMillis(300)));
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
      assertTrue(e.getMessage().contains("no stdout line within"), e.getMessage());
      assertTrue(e.getMessage().contains("echo-server.js"), e.getMessage());
    }
  }

  @Test
  void clientTimeoutIsReportedAndExitsWithTwo() {
    // The server never closes and the script has no close step: the client's own deadline ends it.
    try (PeerProcess server = PeerProcess.pythonEchoServer();
        PeerProcess c = PeerProcess.nodeClient(server.uri(), "--timeout-ms", "500", "text hi")) {
      assertEquals("open", c.readJson(Duration.ofSeconds(20)).get("event"));
      assertEquals("hi", c.readJson(Duration.ofSeconds(20)).get("data"));
      assertEquals("timeout", c.readJson(Duration.ofSeconds(20)).get("event"));
      assertEquals(2, c.waitForExit(Duration.ofSeconds(20)));
      assertTrue(c.readRemainingLines(Duration.ofSeconds(5)).isEmpty());
    }
  }

  @Test
  void serverIsNotAClient() {
    try (PeerProcess c = PeerProcess.nodeClient(java.net.URI.create("ws://127.0.0.1:1/"))) {
      assertThrows(IllegalStateException.class, c::port);
      // Nothing listens on port 1: the client reports the error and exits 1 by itself.
      assertEquals("error", c.readJson(Duration.ofSeconds(20)).get("event"));
      assertEquals(1, c.waitForExit(Duration.ofSeconds(20)));
      assertFalse(c.isAlive());
    }
  }
}
