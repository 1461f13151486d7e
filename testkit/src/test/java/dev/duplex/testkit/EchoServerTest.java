package dev.duplex.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The JDK's WebSocket client against the Node and Python echo servers: proves the peers and PeerProcess. */
class EchoServerTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  static Stream<Arguments> servers() {
    return Stream.of(
        Arguments.of(Named.of("node", (Supplier<PeerProcess>) PeerProcess::nodeEchoServer)),
        Arguments.of(Named.of("python", (Supplier<PeerProcess>) PeerProcess::pythonEchoServer)));
  }

  @ParameterizedTest
  @MethodSource("servers")
  void echoesTextAsText(Supplier<PeerProcess> start) throws Exception {
    try (PeerProcess server = start.get();
        JdkWebSocket ws = new JdkWebSocket(server.uri())) {
      assertTrue(server.port() > 0 && server.port() < 65536);
      ws.sendText("héllo wörld ✓");
      JdkWebSocket.Event e = ws.next(WAIT);
      assertEquals(new JdkWebSocket.Text("héllo wörld ✓"), e);
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void echoesBinaryAsBinary(Supplier<PeerProcess> start) throws Exception {
    try (PeerProcess server = start.get();
        JdkWebSocket ws = new JdkWebSocket(server.uri())) {
      byte[] data = {0, 1, 2, (byte) 0xff, (byte) 0x80, 10, 13};
      ws.sendBinary(data);
      JdkWebSocket.Binary echo = assertInstanceOf(JdkWebSocket.Binary.class, ws.next(WAIT));
      assertArrayEquals(data, echo.data());
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void echoesOneMebibyteMessage(Supplier<PeerProcess> start) throws Exception {
    try (PeerProcess server = start.get();
        JdkWebSocket ws = new JdkWebSocket(server.uri())) {
      byte[] data = Payloads.binary(1 << 20);
      ws.sendBinary(data);
      JdkWebSocket.Binary echo = assertInstanceOf(JdkWebSocket.Binary.class, ws.next(WAIT));
      assertEquals(data.length, echo.data().length);
      assertEquals(Payloads.sha256(data), Payloads.sha256(echo.data()));
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void closeControlClosesWithCodeAndReason(Supplier<PeerProcess> start) throws Exception {
    try (PeerProcess server = start.get();
        JdkWebSocket ws = new JdkWebSocket(server.uri())) {
      ws.sendText("__close 4001 bye");
      assertEquals(new JdkWebSocket.Closed(4001, "bye"), ws.next(WAIT));
      assertTrue(server.isAlive(), "the server keeps running after one connection closes");
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void pingControlReportsThePong(Supplier<PeerProcess> start) throws Exception {
    try (PeerProcess server = start.get();
        JdkWebSocket ws = new JdkWebSocket(server.uri())) {
      ws.sendText("__ping marco");
      assertEquals(new JdkWebSocket.Text("__pong marco"), ws.next(WAIT));
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void closeStopsTheServerProcess(Supplier<PeerProcess> start) {
    PeerProcess server = start.get();
    ProcessHandle handle = ProcessHandle.of(server.pid()).orElseThrow();
    server.close();
    assertFalse(handle.isAlive(), "close() must end the peer process");
    assertFalse(server.isAlive());
  }
}
