package dev.duplex.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The deterministic payloads the peer clients send for {@code text-size N} and {@code
 * binary-size N}, and the SHA-256 they report for each received message, so a test can check a
 * large message without printing it.
 */
public final class Payloads {

  private Payloads() {}

  /** {@code n} bytes where byte {@code i} is {@code i % 251} (the {@code binary-size} step). */
  public static byte[] binary(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i % 251);
    }
    return b;
  }

  /** {@code n} ASCII letters where char {@code i} is {@code 'a' + i % 26} (the {@code text-size} step). */
  public static String text(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ('a' + i % 26);
    }
    return new String(b, StandardCharsets.US_ASCII);
  }

  /** Lower-case hex SHA-256 of {@code data}, as the clients print it. */
  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lower-case hex SHA-256 of the UTF-8 encoding of {@code text}. */
  public static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }
}
