package dev.duplex.app;

import dev.duplex.testkit.Browser;
import dev.duplex.testkit.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.duplex.app.ChatPageSteps.SEQS;
import static dev.duplex.app.ChatPageSteps.WAIT;
import static dev.duplex.app.ChatPageSteps.assertStrictlyIncreasing;
import static dev.duplex.app.ChatPageSteps.awaitTexts;
import static dev.duplex.app.ChatPageSteps.say;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two {@code duplex serve --redis} nodes over one real redis-server, each listing the other with
 * {@code --hub-urls}, and the chat page in headless Chromium: a page whose node stops moves to the other node and
 * resumes there, showing what was said meanwhile once each, in order.
 */
@Timeout(180)
class BrowserFailoverTest {

    @TempDir
    Path dir;

    /** Starts {@code duplex serve} as the command line would, on 127.0.0.1. */
    private static Serving serve(String... args) throws Exception {
        ServeCommand command = new ServeCommand();
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--no-demo"));
        all.addAll(List.of(args));
        new CommandLine(command).parseArgs(all.toArray(String[]::new));
        return command.start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aPageWhoseNodeStopsMovesToTheOtherNodeAndResumesWithWhatWasSaidMeanwhile() throws Exception {
        try (RedisServer redis = RedisServer.start(dir)) {
            // each node lists both and lets the other's pages in: ports known before either starts
            int portA = freePort();
            int portB = freePort();
            String hubA = "ws://127.0.0.1:" + portA + "/hub";
            String hubB = "ws://127.0.0.1:" + portB + "/hub";
            String pageA = "http://127.0.0.1:" + portA;
            String pageB = "http://127.0.0.1:" + portB;
            String both = hubA + "," + hubB;
            Serving nodeA = serve("--port", Integer.toString(portA), "--redis", redis.uri(), "--hub-urls", both,
                    "--allow-origin", pageB);
            try (Serving nodeB = serve("--port", Integer.toString(portB), "--redis", redis.uri(), "--hub-urls", both,
                    "--allow-origin", pageA);
                 Browser alice = Browser.start();
                 Browser bob = Browser.start()) {
                alice.open(pageA + "/?name=alice&room=failover");
                bob.open(pageB + "/?name=bob&room=failover");
                awaitOpen(alice);
                awaitOpen(bob);
                assertEquals(List.of(hubA, hubB), alice.run("return window.chat.hub.urls"), "own node first");
                assertEquals(List.of(hubB, hubA), bob.run("return window.chat.hub.urls"), "own node first");
                assertEquals(hubA, alice.run("return window.chat.hub.url"));
                assertEquals(hubB, bob.run("return window.chat.hub.url"));
                for (Browser b : List.of(alice, bob)) {
                    b.waitFor("[...document.querySelectorAll('#members li')].map(e => e.textContent).sort().join()"
                            + " === 'alice,bob'", WAIT);
                }
                say(alice, "hello from alice");
                say(bob, "hi alice");
                for (Browser b : List.of(alice, bob)) {
                    awaitTexts(b, List.of("hello from alice", "hi alice"));
                }

                // alice's retries come 1 s and 2 s apart (no jitter): a window in which bob speaks for sure
                alice.run("const hub = window.chat.hub; hub.options.jitter = 0; hub.options.initialDelay = 1000;"
                        + "window.reopenedAt = 0;"
                        + "hub.on('state', e => { if (e.state === 'open') window.reopenedAt = Date.now(); });");
                nodeA.close(); // closes alice's connection (1001), then its hub
                alice.waitFor("window.chat.hub.state !== 'open'", WAIT);
                bob.run("for (const text of ['while', 'alice', 'moves']) {"
                        + " document.getElementById('message').value = text;"
                        + " document.getElementById('send-form').requestSubmit(); }");
                awaitTexts(bob, List.of("hello from alice", "hi alice", "while", "alice", "moves"));
                long bobSawAllAt = ((Number) bob.run("return Date.now()")).longValue();

                awaitOpen(alice);
                assertEquals(hubB, alice.run("return window.chat.hub.url"), "alice moved to node B");
                long reopenedAt = ((Number) alice.run("return window.reopenedAt")).longValue();
                assertTrue(bobSawAllAt < reopenedAt,
                        "bob's messages were all stored before alice was back (the case under test): " + bobSawAllAt
                                + " vs " + reopenedAt);
                alice.waitFor("[...document.querySelectorAll('#messages .notice.resume')].some(e => "
                        + "e.textContent === 'reconnected: missed 3 messages')", WAIT);
                awaitTexts(alice, List.of("hello from alice", "hi alice", "while", "alice", "moves"));
                assertStrictlyIncreasing(alice.run("return " + SEQS));
                assertEquals(List.of("while", "alice", "moves"), alice.run("return [...document.querySelectorAll("
                        + "'#messages li.msg.replay .text')].map(e => e.textContent)"), "replayed on node B");

                // and alice talks again, through node B
                say(alice, "back via B");
                List<String> all = List.of("hello from alice", "hi alice", "while", "alice", "moves", "back via B");
                awaitTexts(alice, all);
                awaitTexts(bob, all);
                assertStrictlyIncreasing(bob.run("return " + SEQS));
                assertEquals(alice.run("return " + SEQS), bob.run("return " + SEQS), "one numbering on both nodes");
                bob.waitFor("document.getElementById('member-count').textContent === '2'", WAIT);
                BrowserPagesTest.assertNotBlank(alice.screenshot("failover-alice"));
            } finally {
                nodeA.close();
            }
        }
    }

    @Test
    void hubUrlsAreServedForThePagesAndMustBeWebSocketUrls() throws Exception {
        try (Serving plain = serve("--port", "0", "--memory");
             Serving listed = serve("--port", "0", "--memory", "--hub-urls",
                     "ws://10.0.0.1:8080/hub,wss://b.example.com/hub")) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(plain.httpBase()
                    + "/hub-urls.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, none.statusCode());
            assertEquals("[]", none.body());
            HttpResponse<String> two = http.send(HttpRequest.newBuilder(URI.create(listed.httpBase()
                    + "/hub-urls.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("[\"ws://10.0.0.1:8080/hub\",\"wss://b.example.com/hub\"]", two.body());
            assertTrue(two.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        }
        for (String bad : List.of("http://a.example.com/hub", "/hub", "ws:///hub", "ws://a b/hub")) {
            CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                    () -> serve("--port", "0", "--memory", "--hub-urls", bad), bad);
            assertTrue(e.getMessage().contains("--hub-urls"), e.getMessage());
        }
    }

    private static void awaitOpen(Browser b) {
        b.waitFor("window.chat && window.chat.hub && window.chat.hub.state === 'open'"
                + " && document.getElementById('status').dataset.state === 'open'", WAIT);
    }




}
