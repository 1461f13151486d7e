package dev.duplex.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Headless Chromium (Debian's, through Selenium) opening a WebSocket to the Node echo server. */
class BrowserTest {

  private static final String PAGE =
      "<!doctype html><meta charset=utf-8><title>echo</title>\n"
          + "<p id=state>connecting</p><p id=out></p>\n"
          + "<script>\n"
          + "const ws = new WebSocket(new URLSearchParams(location.search).get('ws'));\n"
          + "ws.onopen = () => { document.getElementById('state').textContent = 'open';"
          + " ws.send('hello from chromium'); };\n"
          + "ws.onmessage = (e) => { document.getElementById('out').textContent = e.data;"
          + " console.log('echo: ' + e.data); };\n"
          + "ws.onclose = (e) => { document.getElementById('state').textContent ="
          + " 'closed ' + e.code + ' ' + e.reason; };\n"
          + "</script>\n";

  private HttpServer http;

  @BeforeEach
  void serve() throws Exception {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/",
        exchange -> {
          byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    http.start();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  @Test
  void browserWebSocketEchoesThroughTheNodeServer() throws Exception {
    Path profile;
    try (PeerProcess server = PeerProcess.nodeEchoServer();
        Browser browser = Browser.start()) {
      browser.open(
          "http://127.0.0.1:" + http.getAddress().getPort() + "/?ws=" + server.uri());
      Duration wait = Duration.ofSeconds(20);
      assertEquals(
          "hello from chromium",
          browser.waitFor(
              "document.getElementById('out').textContent === 'hello from chromium'"
                  + " && document.getElementById('out').textContent",
              wait));
      assertTrue(
          browser.consoleLog().stream().anyMatch(l -> l.contains("echo: hello from chromium")),
          "console: " + browser.consoleLog());

      // A server-initiated close reaches the page with its code and reason.
      browser.run("ws.send('__close 4001 bye');");
      assertEquals(
          "closed 4001 bye",
          browser.waitFor(
              "document.getElementById('state').textContent.startsWith('closed')"
                  + " && document.getElementById('state').textContent",
              wait));

      Path shot = browser.screenshot("browser-echo");
      byte[] head = Arrays.copyOf(Files.readAllBytes(shot), 8);
      assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, head);

      assertEquals(2L, browser.run("return arguments[0] + 1;", 1));
      profile = userDataDir(browser);
      assertTrue(Files.isDirectory(profile));
    }
    assertFalse(Files.exists(profile), "the temporary profile is deleted on close");
  }

  @Test
  void failedWaitReportsConsoleAndScreenshot() {
    try (Browser browser = Browser.start()) {
      browser.open("http://127.0.0.1:" + http.getAddress().getPort() + "/?ws=ws://127.0.0.1:1/");
      browser.run("console.warn('marker-for-the-failure-message');");
      long start = System.nanoTime();
      AssertionError e =
          assertThrows(
              AssertionError.class, () -> browser.waitFor("window.neverSet === 1", Duration.ofMillis(500)));
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(500).toNanos());
      assertTrue(e.getMessage().contains("marker-for-the-failure-message"), e.getMessage());
      assertTrue(e.getMessage().contains("screenshot: /"), e.getMessage());
    }
  }

  private static Path userDataDir(Browser browser) {
    // chrome://version is not reachable from a page; ask the capabilities chromedriver reports.
    Object chrome =
        ((org.openqa.selenium.HasCapabilities) browser.driver()).getCapabilities().getCapability("chrome");
    Object dir = ((java.util.Map<?, ?>) chrome).get("userDataDir");
    return Path.of(String.valueOf(dir));
  }
}
