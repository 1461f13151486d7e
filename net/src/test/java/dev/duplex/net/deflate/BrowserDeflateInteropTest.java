package dev.duplex.net.deflate;

import dev.duplex.net.WebSocketServer;
import dev.duplex.testkit.Browser;
import dev.duplex.testkit.Json;
import dev.duplex.testkit.Payloads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless Chromium (which offers {@code permessage-deflate; client_max_window_bits}) against our server with
 * each compression setting: a page served by the same server echoes text and binary messages of 0 B to 16 MiB
 * and reports each echo's length and sha256 (Web Crypto) and {@code ws.extensions}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BrowserDeflateInteropTest {
    private static WebSocketServer server;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        Browser.requireBrowser();
        server = ServerVariant.start(WebSocketServer.builder().staticResources("deflate-page"));
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.stop();
            }
        }
    }

    @ParameterizedTest(name = "server {0}")
    @EnumSource(ServerVariant.class)
    void echoesEverySizeCompressed(ServerVariant variant) {
        Map<String, Object> result = runPage(variant.path(), PeerDeflateInteropTest.SIZES);
        String extensions = String.valueOf(result.get("extensions"));
        assertTrue(extensions.startsWith("permessage-deflate"), extensions);
        for (String p : variant.expected) {
            assertTrue(extensions.contains(p), "expected " + p + " in " + extensions);
        }
        assertEchoes(result, PeerDeflateInteropTest.SIZES);
    }

    @Test
    void plainEndpointIsNotCompressed() {
        int[] sizes = {1000};
        Map<String, Object> result = runPage("/plain", sizes);
        assertEquals("", result.get("extensions"));
        assertEchoes(result, sizes);
    }

    private static Map<String, Object> runPage(String path, int[] sizes) {
        String list = Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(","));
        browser.open("http://127.0.0.1:" + server.port() + "/index.html?path=" + path + "&sizes=" + list);
        Object json = browser.waitFor("window.result", Duration.ofSeconds(240));
        return Json.parseObject(String.valueOf(json));
    }

    @SuppressWarnings("unchecked")
    private static void assertEchoes(Map<String, Object> result, int[] sizes) {
        assertNull(result.get("error"), result.toString());
        assertEquals(1000, ((Number) result.get("close")).intValue(), "clean close");
        List<Map<String, Object>> messages = (List<Map<String, Object>>) result.get("messages");
        assertEquals(2 * sizes.length, messages.size());
        for (int i = 0; i < sizes.length; i++) {
            int n = sizes[i];
            check(messages.get(2 * i), "text", n, Payloads.sha256(Payloads.text(n)));
            check(messages.get(2 * i + 1), "binary", n, Payloads.sha256(Payloads.binary(n)));
        }
    }

    private static void check(Map<String, Object> m, String type, int length, String sha256) {
        assertEquals(type, m.get("type"), m.toString());
        assertEquals(length, ((Number) m.get("length")).intValue(), m.toString());
        assertEquals(sha256, m.get("sha256"), type + " of " + length + " bytes");
    }
}
