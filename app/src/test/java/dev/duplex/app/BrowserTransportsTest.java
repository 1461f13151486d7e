package dev.duplex.app;

import dev.duplex.testkit.Browser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.duplex.app.ChatPageSteps.SEQS;
import static dev.duplex.app.ChatPageSteps.TEXTS;
import static dev.duplex.app.ChatPageSteps.WAIT;
import static dev.duplex.app.ChatPageSteps.assertStrictlyIncreasing;
import static dev.duplex.app.ChatPageSteps.awaitTexts;
import static dev.duplex.app.ChatPageSteps.say;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * duplex.js's transports in headless Chromium against a real {@code duplex serve}: the chat page forced onto each
 * transport (WebSocket, Server-Sent Events with POST, long polling) chats with a WebSocket user, shows presence and
 * resumes exactly the missed messages; and the real fallback, through a proxy that refuses WebSocket upgrades (the
 * page falls back to SSE on its own) or that also buffers event streams (then to long polling).
 */
@Timeout(180)
class BrowserTransportsTest {

    @ParameterizedTest
    @ValueSource(strings = {"ws", "sse", "longpoll"})
    void theChatPageOnAForcedTransportChatsWithAWebSocketUserAndResumes(String transport) throws Exception {
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo");
             Browser alice = Browser.start();
             Browser bob = Browser.start()) {
            alice.open(s.httpBase() + "/?name=alice&room=forced&transport=ws");
            bob.open(s.httpBase() + "/?name=bob&room=forced&transport=" + transport);
            awaitOpen(alice);
            awaitOpen(bob);
            assertTransport(alice, "ws");
            assertTransport(bob, transport);
            chatOfflineAndResume(alice, bob);
            // the page never used another transport
            assertEquals(List.of(transport), bob.run("return window.transportsSeen"));
        }
    }

    @Test
    void behindAProxyThatRefusesUpgradesTheChatPageFallsBackToSseAndResumes() throws Exception {
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo");
             UpgradeRefusingProxy proxy = UpgradeRefusingProxy.start(s.port());
             Browser alice = Browser.start();
             Browser bob = Browser.start()) {
            alice.open(s.httpBase() + "/?name=alice&room=proxied");
            bob.open(proxy.httpBase() + "/?name=bob&room=proxied"); // no transport forced
            awaitOpen(alice);
            awaitOpen(bob);
            assertTransport(alice, "ws");
            assertTransport(bob, "sse");
            assertTrue(proxy.refusedUpgrades.get() >= 1, "the page tried WebSocket first");
            assertTrue(proxy.forwardedPaths.contains("/hub/sse"), "and then SSE: " + proxy.forwardedPaths);
            assertTrue(proxy.forwardedPaths.contains("/hub/send"), "requests by POST: " + proxy.forwardedPaths);
            assertEquals("via Server-Sent Events", bob.run("return document.getElementById('transport').textContent"));
            chatOfflineAndResume(alice, bob);
            assertTransport(bob, "sse"); // the reconnect stayed on the transport that works

            // the stream breaks (not the session): the EventSource reconnects by itself with Last-Event-ID and
            // the session resumes after the last message it got, without a new welcome, a hole or a repeat
            String session = (String) bob.run("return chat.hub.session.session");
            bob.run("window.statesAfterCut = []; chat.hub.on('state', e => statesAfterCut.push(e.state));");
            assertTrue(proxy.cutEventStreams() >= 1, "a stream was passing");
            say(alice, "while the stream was cut");
            awaitTexts(bob, List.of("hello bob", "hi alice", "m1", "m2", "m3", "back", "while the stream was cut"));
            assertEquals(session, bob.run("return chat.hub.session.session"), "the same transport session");
            assertEquals(List.of(), bob.run("return statesAfterCut"), "the hub stayed open");
            say(bob, "still here");
            awaitTexts(alice, List.of("hello bob", "hi alice", "m1", "m2", "m3", "back", "while the stream was cut",
                    "still here"));
            BrowserPagesTest.assertNotBlank(bob.screenshot("chat-over-sse"));
        }
    }

    @Test
    void behindAProxyThatAlsoBuffersEventStreamsTheClientEndsOnLongPolling(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("blank.html"), "<!doctype html><title>blank</title><p>fallback test page</p>");
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo", "--static", dir.toString());
             UpgradeRefusingProxy proxy = UpgradeRefusingProxy.startBufferingEventStreams(s.port());
             Browser b = Browser.start()) {
            b.open(proxy.httpBase() + "/blank.html");
            b.run("window.events = []; window.got = [];"
                    + "import('/duplex.js').then(m => {"
                    + "  window.hub = m.connect('/hub', {name: 'carol', welcomeTimeout: 1500, initialDelay: 50});"
                    + "  hub.on('transport', e => events.push(['transport', e.transport, e.previous]));"
                    + "  hub.on('error', e => events.push(['error', e.code]));"
                    + "  hub.subscribe('buffered', m => got.push(m.data)).ready.then(() => window.ready = true);"
                    + "});");
            b.waitFor("window.ready === true", WAIT);
            assertEquals("longpoll", b.run("return hub.transport"));
            assertEquals(List.of(List.of("error", "welcome_timeout"), java.util.Arrays.asList("transport", "longpoll", null)),
                    b.run("return events"), "SSE passed nothing (no welcome in time): on to long polling");
            assertTrue(proxy.forwardedPaths.contains("/hub/sse") && proxy.forwardedPaths.contains("/hub/poll"),
                    proxy.forwardedPaths::toString);
            b.run("hub.publish('buffered', 'one', {ack: true}).then(a => window.ack = a);");
            assertEquals(1L, ((java.util.Map<?, ?>) b.waitFor("window.ack", WAIT)).get("seq"));
            b.waitFor("got.length === 1 && got[0] === 'one'", WAIT);
        }
    }

    /**
     * Both see each other, chat both ways; bob goes offline (alice sees him leave at once), misses three messages
     * and, back, shows exactly those once each after "missed 3 messages".
     */
    private static void chatOfflineAndResume(Browser alice, Browser bob) {
        for (Browser b : List.of(alice, bob)) {
            b.waitFor("[...document.querySelectorAll('#members li')].map(e => e.textContent).sort().join()"
                    + " === 'alice,bob'", WAIT);
        }
        say(alice, "hello bob");
        say(bob, "hi alice");
        for (Browser b : List.of(alice, bob)) {
            awaitTexts(b, List.of("hello bob", "hi alice"));
        }

        bob.driver().findElement(By.id("toggle-online")).click();
        bob.waitFor("document.getElementById('status').dataset.state === 'closed'", WAIT);
        alice.waitFor("document.getElementById('member-count').textContent === '1'", WAIT);
        for (String text : List.of("m1", "m2", "m3")) {
            say(alice, text);
        }
        assertEquals(List.of("hello bob", "hi alice"), bob.run("return " + TEXTS), "nothing reaches bob offline");

        bob.driver().findElement(By.id("toggle-online")).click();
        awaitOpen(bob);
        bob.waitFor("[...document.querySelectorAll('#messages .notice.resume')].some(e => "
                + "e.textContent === 'reconnected: missed 3 messages')", WAIT);
        awaitTexts(bob, List.of("hello bob", "hi alice", "m1", "m2", "m3"));
        say(bob, "back");
        awaitTexts(alice, List.of("hello bob", "hi alice", "m1", "m2", "m3", "back"));
        awaitTexts(bob, List.of("hello bob", "hi alice", "m1", "m2", "m3", "back"));
        assertStrictlyIncreasing(bob.run("return " + SEQS));
        alice.waitFor("document.getElementById('member-count').textContent === '2'", WAIT);
        bob.waitFor("document.getElementById('member-count').textContent === '2'", WAIT);
    }

    private static void awaitOpen(Browser b) {
        b.waitFor("window.chat && window.chat.hub && window.chat.hub.state === 'open'"
                + " && document.getElementById('status').dataset.state === 'open'", WAIT);
        b.run("if (!window.transportsSeen) { window.transportsSeen = [chat.hub.transport];"
                + " chat.hub.on('transport', e => transportsSeen.push(e.transport)); }");
    }

    private static void assertTransport(Browser b, String transport) {
        assertEquals(transport, b.run("return window.chat.hub.transport"));
        b.waitFor("document.getElementById('transport').dataset.transport === '" + transport + "'"
                + " && !document.getElementById('transport').hidden", WAIT);
    }



}
