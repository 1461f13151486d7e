package dev.duplex.net.interop;

import dev.duplex.net.TlsConfig;
import dev.duplex.net.WebSocketServer;
import dev.duplex.testkit.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless Chromium's own WebSocket API against our server, over ws and over wss (the committed self-signed test
 * certificate). The server serves the test page (resources/interop-web) and the echo endpoint ({@link
 * RecordingEcho}) on one port; the page's scenarios record readyState, bufferedAmount, messages (with SHA-256
 * computed in the browser) and close events into {@code window.R}, which the test reads and checks against what
 * our endpoint saw. One browser serves the whole class.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChromiumInteropTest {
    private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);

    private static final RecordingEcho echo = new RecordingEcho();
    private static WebSocketServer plain;
    private static WebSocketServer tls;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        plain = server(WebSocketServer.builder());
        tls = server(WebSocketServer.builder().tls(TlsConfig.fromPem(resource("rsa-cert.pem"),
                resource("rsa-key.pem"))));
        browser = Browser.startIgnoringCertificateErrors();
    }

    private static WebSocketServer server(WebSocketServer.Builder builder) throws Exception {
        return builder.host("127.0.0.1").port(0).eventLoops(1).staticResources("interop-web")
                .endpoint("/echo", echo).build().start();
    }

    private static Path resource(String name) throws Exception {
        return Path.of(ChromiumInteropTest.class.getResource("/tls/" + name).toURI());
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (plain != null) {
                plain.stop();
            }
            if (tls != null) {
                tls.stop();
            }
        }
    }

    @AfterEach
    void screenshot(TestInfo info) {
        if (browser != null) {
            String name = info.getTestMethod().map(m -> m.getName()).orElse("test") + "-"
                    + info.getDisplayName().replaceAll("[^A-Za-z0-9]+", "");
            browser.screenshot("chromium-interop-" + name);
        }
    }

    /** Loads the page over http or https from the matching server and runs one scenario; returns its record. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(String scheme, String scenario) {
        String id = scheme + "-" + scenario;
        String page = scheme.equals("wss") ? "https://127.0.0.1:" + tls.port() + "/"
                : "http://127.0.0.1:" + plain.port() + "/";
        browser.open(page);
        assertEquals(scheme.equals("wss"), browser.run("return window.isSecureContext && location.protocol"
                + " === 'https:'"), "page loaded from our server over the right scheme");
        browser.run("runScenario(arguments[0], arguments[1])", scenario, id);
        Map<String, Object> r = (Map<String, Object>) browser.waitFor(
                "window.R['" + id + "'].done && window.R['" + id + "']", SCENARIO_TIMEOUT);
        assertNull(r.get("error"), () -> "the scenario failed in the page: " + r + "\nconsole: "
                + browser.consoleLog());
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> r, String key) {
        return (Map<String, Object>) r.get(key);
    }

    private static long num(Map<String, Object> r, String key) {
        return ((Number) r.get(key)).longValue();
    }

    private static void assertClose(Map<String, Object> close, int code, String reason, boolean wasClean) {
        assertEquals(code, num(close, "code"), () -> "close event " + close);
        assertEquals(reason, close.get("reason"), () -> "close event " + close);
        assertEquals(wasClean, close.get("wasClean"), () -> "close event " + close);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "wss"})
    void readyStateThroughAClientInitiatedClose(String scheme) throws Exception {
        Map<String, Object> r = run(scheme, "lifecycle");
        assertEquals(0L, num(r, "constructed"), "CONNECTING right after new WebSocket()");
        assertEquals(1L, num(r, "inOpen"), "OPEN in onopen");
        assertEquals(2L, num(r, "afterClose"), "CLOSING right after close()");
        assertEquals(3L, num(r, "inClose"), "CLOSED in onclose");
        assertClose(map(r, "close"), 4000, "", true); // our server echoes the code, not the reason
        assertEquals(new RecordingEcho.Closed(4000, "bye", true),
                echo.awaitClose(scheme + "-lifecycle", SCENARIO_TIMEOUT), "what our server saw");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "wss"})
    void nonAsciiTextAndArrayBufferBinaryRoundTrip(String scheme) throws Exception {
        Map<String, Object> r = run(scheme, "messages");
        Map<String, Object> text = map(r, "text");
        assertEquals("string", text.get("type"));
        assertEquals(text.get("sent"), text.get("received"));
        assertTrue(((String) text.get("sent")).contains("😀"), "the page really sent an emoji");
        Map<String, Object> binary = map(r, "binary");
        assertEquals(true, binary.get("isArrayBuffer"), "binaryType 'arraybuffer' gives ArrayBuffers");
        assertEquals(300000L, num(binary, "length"));
        assertEquals(binary.get("sentSha256"), binary.get("receivedSha256"));
        List<RecordingEcho.Received> seen = echo.received(scheme + "-messages");
        assertEquals(List.of(
                new RecordingEcho.Received("text", ((String) text.get("sent")).getBytes(StandardCharsets.UTF_8).length,
                        (String) text.get("sha256")),
                new RecordingEcho.Received("binary", 300000, (String) binary.get("sentSha256"))), seen,
                "our server got exactly what the browser sent");
        assertClose(map(r, "close"), 1000, "", true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "wss"})
    void bufferedAmountRisesOnALargeSendAndFallsToZero(String scheme) {
        Map<String, Object> r = run(scheme, "buffered");
        assertEquals(0L, num(r, "before"));
        assertTrue(num(r, "afterSend") > 0, () -> "bufferedAmount right after an 8 MiB send: " + r.get("afterSend"));
        assertTrue(num(r, "afterSend") <= 8 << 20, () -> "at most the message: " + r.get("afterSend"));
        assertEquals(0L, num(r, "eventually"), () -> "bufferedAmount after the echo (" + r.get("atEcho")
                + " when it arrived) must drain to 0");
        assertEquals((long) (8 << 20), num(r, "length"));
        assertEquals(r.get("sentSha256"), r.get("receivedSha256"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "wss"})
    void sixteenMebibyteMessagesRoundTrip(String scheme) {
        Map<String, Object> r = run(scheme, "big");
        Map<String, Object> binary = map(r, "binary");
        assertEquals((long) (16 << 20), num(binary, "length"));
        assertEquals(binary.get("sentSha256"), binary.get("receivedSha256"));
        Map<String, Object> text = map(r, "text");
        assertEquals((long) (8 << 20), num(text, "utf16Length"), "4 Mi emoji, 2 UTF-16 units each");
        assertEquals(true, text.get("equal"));
        assertEquals(text.get("sentSha256"), text.get("receivedSha256"));
        List<RecordingEcho.Received> seen = echo.received(scheme + "-big");
        assertEquals(List.of(new RecordingEcho.Received("binary", 16 << 20, (String) binary.get("sentSha256")),
                new RecordingEcho.Received("text", 16 << 20, (String) text.get("sentSha256"))), seen);
        assertClose(map(r, "close"), 1000, "", true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "wss"})
    void serverInitiatedCloseIsCleanWithItsCodeAndReason(String scheme) throws Exception {
        Map<String, Object> r = run(scheme, "serverClose");
        assertClose(map(r, "close"), 4001, "server bye", true);
        assertEquals(0L, num(r, "errorEvents"));
        assertEquals(new RecordingEcho.Closed(4001, "server bye", true),
                echo.awaitClose(scheme + "-serverClose", SCENARIO_TIMEOUT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "wss"})
    void serverDroppingTheConnectionIs1006AndNotClean(String scheme) throws Exception {
        Map<String, Object> r = run(scheme, "serverDrop");
        assertClose(map(r, "close"), 1006, "", false);
        RecordingEcho.Closed closed = echo.awaitClose(scheme + "-serverDrop", SCENARIO_TIMEOUT);
        assertEquals(1006, closed.code());
        assertFalse(closed.wasClean());
    }
}
