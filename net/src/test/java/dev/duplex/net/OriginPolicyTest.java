package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Same-origin, allow-list and wildcard Origin policies, as rules and on real upgrades (403 when refused). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OriginPolicyTest {
    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void sameOriginComparesTheOriginWithTheHostHeader() {
        OriginPolicy p = OriginPolicy.sameOrigin();
        assertTrue(p.allows(null, "example.com"), "no Origin: not a browser");
        assertTrue(p.allows("https://example.com", "example.com"), "default port 443 both sides");
        assertTrue(p.allows("http://example.com", "example.com:80"));
        assertTrue(p.allows("http://Example.COM:8080", "example.com:8080"), "case-insensitive");
        assertTrue(p.allows("http://[::1]:8080", "[::1]:8080"));
        assertFalse(p.allows("http://example.com:8081", "example.com:8080"), "another port");
        assertFalse(p.allows("https://evil.example", "example.com"));
        assertFalse(p.allows("https://example.com.evil.example", "example.com"));
        assertFalse(p.allows("null", "example.com"), "sandboxed pages and files are never same-origin");
        assertFalse(p.allows("https://example.com", null), "no Host to compare with");
    }

    @Test
    void extraOriginsAndTheWildcard() {
        OriginPolicy p = OriginPolicy.sameOrigin("https://app.example");
        assertTrue(p.allows("https://APP.example", "api.example"));
        assertFalse(p.allows("https://other.example", "api.example"));
        assertTrue(OriginPolicy.sameOrigin("*").allows("https://anyone.example", "api.example"));
        assertTrue(OriginPolicy.any().allows("https://anyone.example", null));
        OriginPolicy only = OriginPolicy.only("https://app.example");
        assertTrue(only.allows("https://app.example", "x"));
        assertFalse(only.allows(null, "x"), "only(): a request without Origin is refused");
    }

    @Test
    void upgradesAreAcceptedOrRefusedWith403() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .endpoint("/same", new ServerEvents(true),
                        EndpointOptions.builder().originPolicy(OriginPolicy.sameOrigin()).build())
                .endpoint("/listed", new ServerEvents(true),
                        EndpointOptions.builder().originPolicy(OriginPolicy.sameOrigin("https://app.example")).build())
                .endpoint("/any", new ServerEvents(true),
                        EndpointOptions.builder().originPolicy(OriginPolicy.sameOrigin("*")).build())
                .build().start();
        int port = server.port();
        assertTrue(status(port, "/same").startsWith("HTTP/1.1 101"), "no Origin");
        assertTrue(status(port, "/same", "Origin: http://127.0.0.1:" + port).startsWith("HTTP/1.1 101"));
        assertTrue(status(port, "/same", "Origin: https://evil.example").startsWith("HTTP/1.1 403"));
        assertTrue(status(port, "/listed", "Origin: https://app.example").startsWith("HTTP/1.1 101"));
        assertTrue(status(port, "/listed", "Origin: https://evil.example").startsWith("HTTP/1.1 403"));
        assertTrue(status(port, "/any", "Origin: https://evil.example").startsWith("HTTP/1.1 101"));
    }

    /** Sends an upgrade with Host 127.0.0.1:port and the extra header lines; returns the response head. */
    private static String status(int port, String path, String... headers) throws IOException {
        try (RawClient c = new RawClient(port)) {
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + RawClient.KEY
                    + "\r\nSec-WebSocket-Version: 13\r\n");
            for (String h : headers) {
                request.append(h).append("\r\n");
            }
            c.send(request.append("\r\n").toString());
            return c.readHead();
        }
    }
}
