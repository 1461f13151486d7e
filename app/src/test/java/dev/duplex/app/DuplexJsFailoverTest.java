package dev.duplex.app;

import dev.duplex.testkit.Browser;
import dev.duplex.testkit.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * duplex.js in headless Chromium against two real {@code duplex serve --redis} processes: the node a page
 * publishes through is killed (SIGKILL) mid-stream; the page moves to the other node, re-sends its unacked
 * publishes with their keys, and every message is stored and delivered once, in order.
 */
@Timeout(180)
class DuplexJsFailoverTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private RedisServer redis;
    private final List<ClusterFailoverTest.Node> nodes = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(dir);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (ClusterFailoverTest.Node n : nodes) {
            n.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aPageWhoseNodeIsKilledFailsOverAndPublishesEveryMessageOnce() throws Exception {
        Path web = Files.createDirectories(dir.resolve("web"));
        Files.writeString(web.resolve("blank.html"), "<!doctype html><title>blank</title><p>failover test page</p>");
        ClusterFailoverTest.Node a = ClusterFailoverTest.Node.launch(redis.uri(), dir, "nodeA", "--allow-origin", "*");
        ClusterFailoverTest.Node b = ClusterFailoverTest.Node.launch(redis.uri(), dir, "nodeB", "--static",
                web.toString());
        nodes.add(a);
        nodes.add(b);
        a.awaitHealthy();
        b.awaitHealthy();
        try (Browser browser = Browser.start()) {
            browser.open("http://127.0.0.1:" + b.port + "/blank.html");
            browser.run("import('/duplex.js').then(m => window.duplex = m);");
            browser.waitFor("window.duplex", WAIT);
            browser.run("window.got = []; window.acks = []; window.failures = [];"
                    + "window.reader = duplex.connect('" + b.ws() + "', {name: 'reader'});"
                    + "reader.subscribe('failover', m => got.push([m.seq, m.data])).ready.then(() => window.ready = true);"
                    + "window.pub = duplex.connect(['" + a.ws() + "', '" + b.ws() + "'],"
                    + "  {name: 'pub', initialDelay: 20, maxDelay: 200, heartbeatInterval: 0});"
                    + "pub.on('state', e => { if (e.state === 'open') window.pubOpen = true; });");
            browser.waitFor("window.ready && window.pubOpen", WAIT);
            assertEquals(a.ws(), browser.run("return pub.url"));
            // 90 publishes, one every 10 ms (within the hub's burst of 100), each resolving with its ack
            browser.run("let i = 0; window.stream = setInterval(() => { const n = i++;"
                    + "  if (n >= 90) { clearInterval(stream); return; }"
                    + "  pub.publish('failover', n, {ack: true}).then(r => acks.push([n, r.seq, !!r.duplicate]),"
                    + "    e => failures.push(String(e)));"
                    + "}, 10);");
            browser.waitFor("acks.length >= 10", WAIT);
            a.kill();
            Object ackedBeforeKill = browser.run("return acks.length");
            browser.waitFor("acks.length + failures.length === 90", WAIT);
            assertEquals(List.of(), browser.run("return failures"));
            assertEquals(b.ws(), browser.run("return pub.url"), "the page moved to node B");
            browser.run("pub.publish('failover', 'end', {ack: true}).then(r => window.end = r);");
            browser.waitFor("window.end && got.length === 91", WAIT);
            List<?> got = (List<?>) browser.run("return got");
            for (int n = 0; n < 90; n++) {
                assertEquals(List.of(n + 1L, (long) n), got.get(n), "message " + n + ": once, in order");
            }
            assertEquals(List.of(91L, "end"), got.get(90), "nothing stored twice");
            List<?> acks = (List<?>) browser.run("return acks.slice().sort((x, y) => x[0] - y[0])");
            long duplicates = 0;
            for (int n = 0; n < 90; n++) {
                List<?> ack = (List<?>) acks.get(n);
                assertEquals((long) n, ack.get(0));
                assertEquals(n + 1L, ack.get(1), "the ack's seq is the delivered one");
                duplicates += Boolean.TRUE.equals(ack.get(2)) ? 1 : 0;
            }
            assertTrue((Boolean) browser.run("return pub.inflight.size === 0 && pub.outbox.length === 0"));
            System.out.println("DuplexJsFailoverTest: node A killed with " + ackedBeforeKill + " of 90 publishes "
                    + "acked; " + duplicates + " re-sent ones were duplicates");
        }
    }
}
