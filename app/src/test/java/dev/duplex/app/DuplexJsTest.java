package dev.duplex.app;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;
import dev.duplex.testkit.Browser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * duplex.js on its own in headless Chromium: acks and errors against the real hub, the outbox while offline,
 * heartbeats (answered, and a silent server), the reconnect backoff, and close.
 */
@Timeout(120)
class DuplexJsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Loads duplex.js into the open page as window.duplex and records the events of hubs made by window.make. */
    private static void loadClient(Browser b) {
        b.run("window.events = []; window.errors = []; window.pongs = [];"
                + "import('/duplex.js').then(m => { window.duplex = m; window.make = (url, options) => {"
                + "  const hub = m.connect(url, options);"
                + "  hub.on('state', e => events.push(e)); hub.on('error', e => errors.push(e));"
                + "  hub.on('pong', p => pongs.push(p)); return hub; }; });");
        b.waitFor("window.make", WAIT);
    }

    private static Serving serveBlankPage(Path dir) throws Exception {
        Files.writeString(dir.resolve("blank.html"), "<!doctype html><title>blank</title><p>duplex.js test page</p>");
        return ServeCommandTest.start("--memory", "--no-demo", "--static", dir.toString());
    }

    @Test
    void publishWithAckResolvesWithTheSeqAndServerErrorsReject(@TempDir Path dir) throws Exception {
        try (Serving s = serveBlankPage(dir); Browser b = Browser.start()) {
            b.open(s.httpBase() + "/blank.html");
            loadClient(b);
            b.run("window.hub = make('/hub', {name: 'js'}); window.got = [];"
                    + "window.sub = hub.subscribe('acks', m => got.push(m));"
                    + "sub.ready.then(r => window.ready = r);");
            b.waitFor("window.ready", WAIT);
            b.run("hub.publish('acks', {n: 1}, {ack: true}).then(a => window.ack1 = a);"
                    + "hub.publish('acks', {n: 2}).then(() => window.sent2 = true);"
                    + "hub.publish('bad topic!', 1, {ack: true}).catch(e => window.bad = e.code);"
                    + "window.badSub = hub.subscribe('.nope', () => {});"
                    + "badSub.ready.catch(e => window.badSubCode = e.code);");
            Object ack = b.waitFor("window.ack1", WAIT);
            assertEquals(1L, ((Map<?, ?>) ack).get("seq"));
            assertEquals("acks", ((Map<?, ?>) ack).get("topic"));
            b.waitFor("window.sent2", WAIT);
            assertEquals("invalid_topic", b.waitFor("window.bad", WAIT));
            assertEquals("invalid_topic", b.waitFor("window.badSubCode", WAIT));
            b.waitFor("got.length === 2", WAIT);
            assertEquals(List.of(1L, 2L), b.run("return got.map(m => m.seq)"));
            assertEquals(List.of("js", "js"), b.run("return got.map(m => m.from.name)"));
            assertEquals("open", b.run("return hub.state"), "errors do not close the connection");
            assertEquals(1L, b.run("return hub.readyState"));
        }
    }

    @Test
    void publishesWhileOfflineWaitInTheOutboxAndGoOutOnReconnect(@TempDir Path dir) throws Exception {
        try (Serving s = serveBlankPage(dir); Browser b = Browser.start()) {
            b.open(s.httpBase() + "/blank.html");
            loadClient(b);
            b.run("window.hub = make('/hub', {name: 'outbox'}); window.got = [];"
                    + "hub.subscribe('out', m => got.push(m.data)).ready.then(() => window.ready = true);");
            b.waitFor("window.ready", WAIT);
            b.run("hub.disconnect();");
            b.waitFor("hub.state === 'closed'", WAIT);
            b.run("hub.publish('out', 'while offline', {ack: true}).then(a => window.ack = a);");
            assertEquals(0L, b.run("return got.length"));
            b.run("hub.reconnect();");
            Object ack = b.waitFor("window.ack", WAIT);
            assertEquals(1L, ((Map<?, ?>) ack).get("seq"));
            b.waitFor("got.length === 1 && got[0] === 'while offline'", WAIT);

            b.run("hub.close();");
            b.waitFor("hub.state === 'closed'", WAIT);
            b.run("hub.publish('out', 'after close').catch(e => window.afterClose = e.message);");
            assertEquals("the hub connection is closed", b.waitFor("window.afterClose", WAIT));
            assertEquals(3L, b.run("return hub.readyState"));
            assertEquals(List.of("connecting", "open", "closing", "closed", "reconnecting", "open", "closing",
                    "closed"), b.run("return events.map(e => e.state)"));
        }
    }

    @Test
    void aPublishWhoseAckWasLostGoesOutAgainWithItsKeyAndIsStoredOnce(@TempDir Path dir) throws Exception {
        try (Serving s = serveBlankPage(dir); Browser b = Browser.start()) {
            b.open(s.httpBase() + "/blank.html");
            loadClient(b);
            b.run("window.reader = make('/hub', {name: 'reader'}); window.got = [];"
                    + "reader.subscribe('once', m => got.push([m.seq, m.data])).ready.then(() => window.ready = true);"
                    + "window.pub = make('/hub', {name: 'pub', initialDelay: 20});"
                    + "pub.on('state', e => { if (e.state === 'open') window.pubOpen = true; });");
            b.waitFor("window.ready && window.pubOpen", WAIT);
            // the frames go out, then the socket is dropped before the acks can come back: the server stored
            // both, the client cannot know, and sends them again (same keys) once reconnected
            b.run("pub.publish('once', 'acked', {ack: true}).then(a => window.ack = a);"
                    + "pub.publish('once', 'fire-and-forget').then(() => window.sent = true);"
                    + "pub.dropConnection();");
            Map<?, ?> ack = (Map<?, ?>) b.waitFor("window.ack", WAIT);
            assertEquals(1L, ack.get("seq"));
            assertEquals(true, ack.get("duplicate"), "the re-sent publish was known by its key");
            assertEquals(true, b.waitFor("window.sent", WAIT));
            b.run("pub.publish('once', 'after', {ack: true}).then(a => window.after = a);");
            assertEquals(3L, ((Map<?, ?>) b.waitFor("window.after", WAIT)).get("seq"), "two seqs for two keys");
            b.waitFor("got.length === 3", WAIT);
            assertEquals(List.of(List.of(1L, "acked"), List.of(2L, "fire-and-forget"), List.of(3L, "after")),
                    b.run("return got"), "each message once");
            assertTrue((Boolean) b.run("return pub.inflight.size === 0 && pub.outbox.length === 0"));
        }
    }

    @Test
    void withoutReconnectAnUnackedPublishIsRejectedWithItsKeyAndAGivenKeyIsUsed(@TempDir Path dir)
            throws Exception {
        try (Serving s = serveBlankPage(dir); Browser b = Browser.start()) {
            b.open(s.httpBase() + "/blank.html");
            loadClient(b);
            b.run("window.pub = make('/hub', {reconnect: false});"
                    + "pub.on('state', e => { if (e.state === 'open') window.pubOpen = true; });");
            b.waitFor("window.pubOpen", WAIT);
            b.run("pub.publish('mine', 1, {ack: true, key: 'order-17'}).then(a => window.first = a);");
            assertEquals(1L, ((Map<?, ?>) b.waitFor("window.first", WAIT)).get("seq"));
            b.run("pub.publish('mine', 1, {ack: true, key: 'order-17'}).then(a => window.again = a);");
            Map<?, ?> again = (Map<?, ?>) b.waitFor("window.again", WAIT);
            assertEquals(1L, again.get("seq"));
            assertEquals(true, again.get("duplicate"));
            b.run("pub.publish('mine', 2, {ack: true}).catch(e => window.lost = e); pub.dropConnection();");
            Map<?, ?> lost = (Map<?, ?>) b.waitFor("window.lost && {code: lost.code, key: lost.key}", WAIT);
            assertEquals("connection_lost", lost.get("code"));
            assertTrue(((String) lost.get("key")).matches("[0-9a-f]{32}"), lost::toString);
            assertEquals("closed", b.run("return pub.state"));
        }
    }

    @Test
    void heartbeatsGetPongsWithARoundTrip(@TempDir Path dir) throws Exception {
        try (Serving s = serveBlankPage(dir); Browser b = Browser.start()) {
            b.open(s.httpBase() + "/blank.html");
            loadClient(b);
            b.run("window.hub = make('/hub', {heartbeatInterval: 50, heartbeatTimeout: 2000});");
            b.waitFor("pongs.length >= 5", WAIT);
            assertTrue((Boolean) b.run("return pongs.every(p => p.rtt >= 0 && p.rtt < 2000)"));
            assertEquals(List.of("connecting", "open"), b.run("return events.map(e => e.state)"));
        }
    }

    @Test
    void aSilentServerFailsTheHeartbeatAndTheClientReconnects() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocketServer silent = WebSocketServer.builder().host("127.0.0.1").port(0)
                .endpoint("/silent", new Endpoint() {
                    @Override
                    public void onText(ServerSession session, String text) {
                        received.add(text); // and never answers
                    }
                })
                .staticResources(Serving.PAGES)
                .build().start();
        try (Browser b = Browser.start()) {
            b.open("http://127.0.0.1:" + silent.port() + "/live.html");
            loadClient(b);
            b.run("window.hub = make('/silent', {heartbeatInterval: 100, heartbeatTimeout: 300,"
                    + " initialDelay: 50});");
            b.waitFor("errors.some(e => e.code === 'heartbeat_timeout')", WAIT);
            b.waitFor("events.filter(e => e.state === 'open').length >= 2", WAIT);
            List<?> states = (List<?>) b.run("return events.map(e => e.state)");
            assertEquals(List.of("connecting", "open", "reconnecting"), states.subList(0, 3));
            String ping = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(ping);
            assertTrue(ping.matches("\\{\"type\":\"ping\",\"id\":\"h\\d+\"}"), ping);
            b.run("hub.close()");
        } finally {
            silent.stop();
        }
    }

    @Test
    void reconnectDelaysGrowExponentiallyWithJitterUpToTheCap(@TempDir Path dir) throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (Serving s = serveBlankPage(dir); Browser b = Browser.start()) {
            b.open(s.httpBase() + "/blank.html");
            loadClient(b);
            b.run("window.hub = make('ws://127.0.0.1:" + closedPort + "/hub', {initialDelay: 40, maxDelay: 320,"
                    + " factor: 2, jitter: 0.5, heartbeatInterval: 0});");
            b.waitFor("events.filter(e => e.state === 'reconnecting' && e.delay !== undefined).length >= 6", WAIT);
            List<?> delays = (List<?>) b.run("return events.filter(e => e.state === 'reconnecting'"
                    + " && e.delay !== undefined).map(e => [e.attempt, e.delay])");
            for (int i = 0; i < 6; i++) {
                List<?> pair = (List<?>) delays.get(i);
                long attempt = (Long) pair.get(0);
                long delay = (Long) pair.get(1);
                assertEquals(i + 1, attempt);
                double base = Math.min(320, 40 * Math.pow(2, attempt - 1));
                assertTrue(delay >= Math.floor(base * 0.5) && delay <= base,
                        "attempt " + attempt + ": delay " + delay + " within [" + base / 2 + ", " + base + "]");
            }
            b.run("hub.close()");
            b.waitFor("hub.state === 'closed'", WAIT);
            assertFalse((Boolean) b.run("return hub.reconnectTimer !== null"), "no reconnect after close");
        }
    }

    @Test
    void anExpiredTokenIsReportedAndATokenFunctionGivesTheReconnectAFreshOne(@TempDir Path dir) throws Exception {
        String secret = "duplex-js-test-secret-of-at-least-32-bytes";
        com.auth0.jwt.algorithms.Algorithm hs256 = com.auth0.jwt.algorithms.Algorithm.HMAC256(secret);
        String fresh = com.auth0.jwt.JWT.create().withClaim("name", "second")
                .withExpiresAt(java.time.Instant.now().plusSeconds(3600)).sign(hs256);
        Files.writeString(dir.resolve("blank.html"), "<!doctype html><title>blank</title><p>token test page</p>");
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo", "--static", dir.toString(),
                "--token-secret", secret); Browser b = Browser.start()) {
            b.open(s.httpBase() + "/blank.html");
            loadClient(b);
            // exp in one second: valid at the handshake, closed (4001) once exp and the hub's 5 s leeway pass
            String expiring = com.auth0.jwt.JWT.create().withClaim("name", "first")
                    .withExpiresAt(java.time.Instant.now().plusSeconds(1)).sign(hs256);
            b.run("window.tokens = ['" + expiring + "', '" + fresh + "']; window.asked = 0;"
                    + "window.hub = make('/hub', {token: () => Promise.resolve(tokens[Math.min(asked++, 1)])});");
            b.waitFor("errors.some(e => e.code === 'token_expired')", WAIT);
            b.waitFor("hub.state === 'open' && window.asked === 2", WAIT);
            assertEquals(4001L, b.run("return events.find(e => e.state === 'reconnecting' && e.code).code"));
            assertEquals(1L, b.run("return hub.readyState"));
        }
    }

    @Test
    void withSeveralUrlsAnUnreachableNodeIsSkippedAndALostOneIsLeftForTheNext(@TempDir Path dir) throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort(); // nothing listens there once closed
        }
        Files.writeString(dir.resolve("blank.html"), "<!doctype html><title>blank</title><p>nodes test page</p>");
        try (Serving page = ServeCommandTest.start("--memory", "--no-demo", "--static", dir.toString());
             Serving other = ServeCommandTest.start("--memory", "--no-demo", "--allow-origin", "*");
             Browser b = Browser.start()) {
            String live = "ws://127.0.0.1:" + page.port() + "/hub";
            String second = "ws://127.0.0.1:" + other.port() + "/hub";
            b.open(page.httpBase() + "/blank.html");
            loadClient(b);
            b.run("window.hub = make(['ws://127.0.0.1:" + dead + "/hub', '" + live + "', '" + second + "'],"
                    + " {initialDelay: 50, maxDelay: 200});");
            b.waitFor("hub.state === 'open'", WAIT);
            assertEquals(live, b.run("return hub.url"), "the unreachable first node was skipped");
            page.server().stop(); // the node in use goes away: the same node is tried again, then the next one
            b.waitFor("hub.state === 'open' && hub.url === '" + second + "'", WAIT);
        }
    }
}
