package dev.duplex.app;

import dev.duplex.testkit.Browser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chromium.HasCdp;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a first-time user of the pages sees: a reload stays in the chat, "mine" survives reloads and server
 * restarts (client id, not session id), the badge before the first attempt and during a reconnect countdown,
 * distinct nicknames in two tabs, no favicon 404, the live page's readyState agreeing with its badge, and a quick
 * first reconnect after a server restart.
 */
@Timeout(180)
class PagesBehaviourTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MINE =
            "[...document.querySelectorAll('#messages li.msg.mine .text')].map(e => e.textContent)";

    @TempDir
    Path data;

    private static Serving serve(String... args) throws Exception {
        ServeCommand command = new ServeCommand();
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--no-demo"));
        all.addAll(List.of(args));
        new CommandLine(command).parseArgs(all.toArray(String[]::new));
        return command.start();
    }

    /** Records every text the badge (and the page's other connection labels) show, from before any script runs. */
    private static void recordFromTheStart(Browser b) {
        ((HasCdp) b.driver()).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", ""
                + "window.seen = [];"
                + "document.addEventListener('DOMContentLoaded', () => {"
                + "  const record = () => window.seen.push({state: document.getElementById('status').dataset.state,"
                + "    badge: document.getElementById('status').textContent,"
                + "    ready: (document.getElementById('ready-state') || {}).textContent,"
                + "    line: (document.getElementById('connection') || {}).textContent});"
                + "  record();"
                + "  new MutationObserver(record).observe(document.body, {subtree: true, childList: true,"
                + "    characterData: true, attributes: true});"
                + "});"));
    }

    private static void join(Browser b, String name, String room) {
        b.driver().findElement(By.id("name")).clear();
        b.driver().findElement(By.id("name")).sendKeys(name);
        b.driver().findElement(By.id("room")).clear();
        b.driver().findElement(By.id("room")).sendKeys(room);
        b.driver().findElement(By.id("join-button")).click();
        awaitOpen(b);
    }

    private static void awaitOpen(Browser b) {
        b.waitFor("window.chat && window.chat.hub && window.chat.hub.state === 'open'"
                + " && document.getElementById('status').dataset.state === 'open'", WAIT);
    }

    private static void say(Browser b, String text) {
        b.driver().findElement(By.id("message")).sendKeys(text);
        b.driver().findElement(By.id("send")).click();
        b.waitFor(MINE + ".includes('" + text + "')", WAIT);
    }

    @Test
    void aReloadStaysInTheChatAndOwnMessagesStayMine() throws Exception {
        try (Serving s = serve("--port", "0", "--memory");
             Browser alice = Browser.start();
             Browser bob = Browser.start()) {
            alice.open(s.httpBase() + "/");
            assertEquals("idle", alice.run("return document.getElementById('status').dataset.state"),
                    "no red 'closed' before anyone asked to connect");
            join(alice, "alice", "room1");
            say(alice, "before reload");
            String firstSession = (String) alice.run("return window.chat.hub.session.session");

            alice.driver().navigate().refresh();
            awaitOpen(alice);
            assertEquals(true, alice.run("return document.getElementById('join').hidden"));
            assertEquals("alice", alice.run("return document.getElementById('me').textContent"));
            assertEquals("room1", alice.run("return document.getElementById('room-title').textContent"));
            assertNotEquals(firstSession, alice.run("return window.chat.hub.session.session"), "a new session");
            alice.waitFor(MINE + ".includes('before reload')", WAIT); // history, from the old session: still mine

            bob.open(s.httpBase() + "/?name=bob&room=room1");
            awaitOpen(bob);
            bob.waitFor("[...document.querySelectorAll('#messages li.msg .text')].some(e => "
                    + "e.textContent === 'before reload')", WAIT);
            assertEquals(List.of(), bob.run("return " + MINE), "alice's message is not bob's");
            assertFalse(String.join("\n", alice.consoleLog()).contains("404"), alice.consoleLog().toString());
        }
    }

    @Test
    void afterAServerRestartTheChatComesBackQuicklyWithACountdownMeanwhile() throws Exception {
        Serving first = serve("--port", "0", "--data", data.toString());
        int port = first.port();
        try (Browser alice = Browser.start(); Browser bob = Browser.start()) {
            recordFromTheStart(alice);
            try {
                alice.open(first.httpBase() + "/?name=alice&room=lobby");
                awaitOpen(alice);
                say(alice, "stored");
                alice.run("window.stateEvents = []; window.chat.hub.on('state', e => window.stateEvents.push(e));");
            } finally {
                first.close();
            }
            // the server is gone: the page counts down instead of claiming to be connected
            alice.waitFor("window.stateEvents.some(e => e.state === 'reconnecting' && e.delay !== undefined)", WAIT);
            Object firstDelay = alice.run("return window.stateEvents.find(e => e.delay !== undefined).delay");
            assertTrue(((Number) firstDelay).longValue() <= 250, "the first retry is quick: " + firstDelay + " ms");
            alice.waitFor("window.seen.some(s => /^Reconnecting in 2 s/.test(s.line))", WAIT);
            alice.waitFor("window.seen.some(s => /^reconnecting in 2 s$/.test(s.badge))", WAIT);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> seen = (List<Map<String, Object>>) alice.run("return window.seen");
            int two = -1;
            for (int i = 0; i < seen.size(); i++) {
                String line = String.valueOf(seen.get(i).get("line"));
                if (two < 0 && line.startsWith("Reconnecting in 2 s")) {
                    two = i;
                }
                if ("reconnecting".equals(seen.get(i).get("state"))) {
                    assertFalse(line.startsWith("Connected as"), "reconnecting but says " + line);
                }
            }
            assertTrue(two >= 0);
            alice.waitFor("window.seen.some(s => /^Reconnecting in 1 s/.test(s.line))", WAIT);

            long restarted;
            try (Serving second = serve("--port", String.valueOf(port), "--data", data.toString())) {
                restarted = System.nanoTime();
                awaitOpen(alice);
                long ms = (System.nanoTime() - restarted) / 1_000_000;
                assertTrue(ms < 5500, "back " + ms + " ms after the server (at most one capped backoff step)");
                alice.waitFor("document.getElementById('connection').textContent === 'Connected as'", WAIT);
                alice.waitFor(MINE + ".includes('stored')", WAIT);
                // a new user after the restart does not get alice's old session id, nor her message as "mine"
                bob.open(second.httpBase() + "/?name=bob&room=lobby");
                awaitOpen(bob);
                bob.waitFor("[...document.querySelectorAll('#messages li.msg .text')].some(e => "
                        + "e.textContent === 'stored')", WAIT);
                assertEquals(List.of(), bob.run("return " + MINE));
            }
        }
    }

    @Test
    void twoTabsOfferDifferentNicknames() throws Exception {
        try (Serving s = serve("--port", "0", "--memory");
             Browser browser = Browser.start()) {
            browser.open(s.httpBase() + "/");
            join(browser, "alice", "lobby");
            browser.driver().switchTo().newWindow(WindowType.TAB);
            browser.open(s.httpBase() + "/");
            Object offered = browser.run("return document.getElementById('name').value");
            assertTrue(String.valueOf(offered).startsWith("alice-"), "a variant of the remembered name: " + offered);
            browser.driver().switchTo().newWindow(WindowType.TAB);
            browser.open(s.httpBase() + "/");
            Object third = browser.run("return document.getElementById('name').value");
            assertNotEquals("alice", third);
            assertNotEquals(offered, third, "the second tab's offer counts as taken too");
        }
    }

    @Test
    void theLivePageStartsNeutralAndItsReadyStateAgreesWithTheBadge() throws Exception {
        try (Serving s = serve("--port", "0", "--memory", "--demo-interval", "100");
             Browser browser = Browser.start()) {
            recordFromTheStart(browser);
            browser.open(s.httpBase() + "/live.html");
            browser.waitFor("document.getElementById('status').dataset.state === 'open'"
                    + " && document.getElementById('ready-state').textContent === '1'", WAIT);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> seen = (List<Map<String, Object>>) browser.run("return window.seen");
            assertEquals("connecting", seen.get(0).get("state"), "first shown: " + seen.get(0));
            for (Map<String, Object> shown : seen) {
                String state = String.valueOf(shown.get("state"));
                String ready = String.valueOf(shown.get("ready"));
                assertFalse(state.equals("closed"), "never 'closed' on the way up: " + seen);
                if (state.equals("open")) {
                    assertEquals("1", ready, "open beside readyState " + ready + ": " + seen);
                }
                if (state.equals("connecting")) {
                    assertTrue(ready.equals("0"), "connecting beside readyState " + ready + ": " + seen);
                }
            }
            String icon = String.valueOf(browser.run("return document.querySelector('link[rel=icon]').href"));
            assertTrue(icon.startsWith("data:"), icon);
            List<String> console = browser.consoleLog();
            assertFalse(console.stream().anyMatch(l -> l.contains("404") || l.contains("favicon")),
                    "no failed request in the console: " + console);
        }
    }
}
