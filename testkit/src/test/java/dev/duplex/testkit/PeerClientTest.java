package dev.duplex.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Node and Python scripted clients against the Node echo server. */
class PeerClientTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  static Stream<Arguments> clients() {
    return Stream.of(
        Arguments.of(
            Named.of("node", (BiFunction<URI, String[], PeerProcess>) PeerProcess::nodeClient)),
        Arguments.of(
            Named.of("python", (BiFunction<URI, String[], PeerProcess>) PeerProcess::pythonClient)));
  }

  @ParameterizedTest
  @MethodSource("clients")
  void runsStepsAndReportsEchoesThenClosesCleanly(BiFunction<URI, String[], PeerProcess> client) {
    try (PeerProcess server = PeerProcess.nodeEchoServer();
        PeerProcess c =
            client.apply(
                server.uri(),
                new String[] {
                  "text hello there", "binary-hex 00ff7f", "binary-size 100000", "wait 3",
                  "close 1000 done"
                })) {
      assertEquals("open", c.readJson(WAIT).get("event"));
      Map<String, Object> text = c.readJson(WAIT);
      assertEquals("message", text.get("event"));
      assertEquals("text", text.get("type"));
      assertEquals("hello there", text.get("data"));
      Map<String, Object> small = c.readJson(WAIT);
      assertEquals("binary", small.get("type"));
      assertEquals("00ff7f", small.get("hex"));
      Map<String, Object> big = c.readJson(WAIT);
      assertEquals("binary", big.get("type"));
      assertEquals(100000L, big.get("length"));
      assertEquals(Payloads.sha256(Payloads.binary(100000)), big.get("sha256"));
      Map<String, Object> close = c.readJson(WAIT);
      assertEquals("close", close.get("event"));
      assertEquals(1000L, close.get("code"));
      assertEquals("done", close.get("reason"));
      assertEquals(Boolean.TRUE, close.get("clean"));
      assertEquals(0, c.waitForExit(WAIT), c.stderr());
    }
  }

  @ParameterizedTest
  @MethodSource("clients")
  void reportsServerInitiatedCloseAndNegotiatedDeflate(BiFunction<URI, String[], PeerProcess> client) {
    try (PeerProcess server = PeerProcess.nodeEchoServer("--deflate");
        PeerProcess c =
            client.apply(server.uri(), new String[] {"--deflate", "text-size 70000", "wait 1", "text __close 4001 bye"})) {
      Map<String, Object> open = c.readJson(WAIT);
      assertEquals("open", open.get("event"));
      assertTrue(
          String.valueOf(open.get("extensions")).startsWith("permessage-deflate"),
          "negotiated: " + open);
      Map<String, Object> echo = c.readJson(WAIT);
      assertEquals(70000L, echo.get("length"));
      assertEquals(Payloads.sha256(Payloads.text(70000)), echo.get("sha256"));
      Map<String, Object> close = c.readJson(WAIT);
      assertEquals(Map.of("event", "close", "code", 4001L, "reason", "bye", "clean", true), close);
      assertEquals(0, c.waitForExit(WAIT));
    }
  }

  @ParameterizedTest
  @MethodSource("clients")
  void abnormalCloseExitsNonZero(BiFunction<URI, String[], PeerProcess> client) {
    try (PeerProcess server = PeerProcess.nodeEchoServer();
        PeerProcess c = client.apply(server.uri(), new String[] {"text __terminate"})) {
      assertEquals("open", c.readJson(WAIT).get("event"));
      Map<String, Object> close = c.readJson(WAIT);
      assertEquals(1006L, close.get("code"));
      assertEquals(Boolean.FALSE, close.get("clean"));
      assertEquals(1, c.waitForExit(WAIT));
    }
  }
}
