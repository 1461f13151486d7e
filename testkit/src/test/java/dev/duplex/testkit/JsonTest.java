package dev.duplex.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parsesThePeersEventLines() {
    Map<String, Object> m =
        Json.parseObject(
            "{\"event\":\"message\",\"type\":\"text\",\"length\":5,\"data\":\"h\\u00e9\\\"\\n\",\"ok\":true,\"x\":null,\"f\":-1.5e2,\"a\":[1,{}]}");
    assertEquals("message", m.get("event"));
    assertEquals(5L, m.get("length"));
    assertEquals("hé\"\n", m.get("data"));
    assertEquals(Boolean.TRUE, m.get("ok"));
    assertEquals(null, m.get("x"));
    assertEquals(-150.0, m.get("f"));
    assertEquals(Arrays.asList(1L, Map.of()), m.get("a"));
    assertEquals(List.of(), Json.parse(" [ ] "));
  }

  @Test
  void rejectsMalformedInput() {
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("\"\\q\""));
    assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
  }

  @Test
  void payloadsMatchThePeersPatterns() {
    assertEquals("abcdefghijklmnopqrstuvwxyzab", Payloads.text(28));
    byte[] b = Payloads.binary(253);
    assertEquals(0, b[0]);
    assertEquals((byte) 250, b[250]);
    assertEquals(0, b[251]);
    assertEquals(1, b[252]);
    // The peers printed these digests for the same patterns (see the manual runs in docs/testing.md).
    assertEquals(
        "2c030d49ec131bfbbb446ad21e7a2f12cdb4f2f4f3fda3ac709dd2e68a4646c7",
        Payloads.sha256(Payloads.binary(1_000_000)));
    assertEquals(
        "bc634ceb27746878af610424e3afd5024f31e06f1f3479deda6cb33a21258bf7",
        Payloads.sha256(Payloads.text(100_000)));
  }
}
