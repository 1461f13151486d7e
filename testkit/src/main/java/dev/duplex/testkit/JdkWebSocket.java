package dev.duplex.testkit;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's own WebSocket client ({@code java.net.http.WebSocket}), a real third-party peer, with every event
 * (whole messages, close, error) queued so a test can wait for it with a deadline. Not thread-safe for sending
 * from several threads at once; {@link #close()} aborts the connection.
 */
public final class JdkWebSocket implements AutoCloseable {

  /** What the client received. */
  public sealed interface Event permits Text, Binary, Closed, Failed {}

  /** A whole text message. */
  public record Text(String text) implements Event {}

  /** A whole binary message. */
  public record Binary(byte[] data) implements Event {}

  /** The server's close frame. */
  public record Closed(int code, String reason) implements Event {}

  /** A failure reported by the client. */
  public record Failed(Throwable error) implements Event {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final WebSocket ws;

  /** Connects and upgrades, or throws within 15 s. */
  public JdkWebSocket(URI uri) throws Exception {
    ws =
        http.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(uri, new Collector())
            .get(15, TimeUnit.SECONDS);
  }

  /** The next event, or an AssertionError after {@code timeout}. */
  public Event next(Duration timeout) throws InterruptedException {
    Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (e == null) {
      throw new AssertionError("no WebSocket event within " + timeout);
    }
    return e;
  }

  /** The next event if one arrives within {@code timeout}, else null. */
  public Event poll(Duration timeout) throws InterruptedException {
    return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends one whole text message and waits until it is written. */
  public void sendText(String text) throws Exception {
    ws.sendText(text, true).get(15, TimeUnit.SECONDS);
  }

  /** Sends one whole binary message and waits until it is written. */
  public void sendBinary(byte[] data) throws Exception {
    ws.sendBinary(ByteBuffer.wrap(data), true).get(15, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    ws.abort();
  }

  private final class Collector implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        events.add(new Text(text.toString()));
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      binary.writeBytes(chunk);
      if (last) {
        events.add(new Binary(binary.toByteArray()));
        binary.reset();
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      events.add(new Closed(statusCode, reason));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      events.add(new Failed(error));
    }
  }

  /** {@code b} decoded as UTF-8. */
  public static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
