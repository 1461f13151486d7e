package dev.duplex.app;

import dev.duplex.net.ServerSession;
import dev.duplex.testkit.Browser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.duplex.app.ChatPageSteps.SEQS;
import static dev.duplex.app.ChatPageSteps.TEXTS;
import static dev.duplex.app.ChatPageSteps.WAIT;
import static dev.duplex.app.ChatPageSteps.assertStrictlyIncreasing;
import static dev.duplex.app.ChatPageSteps.awaitTexts;
import static dev.duplex.app.ChatPageSteps.say;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pages and duplex.js in headless Chromium against a real {@code duplex serve}: chat between two browsers with
 * presence, going offline and resuming with exactly the missed messages, a connection killed by the server, gaps
 * when history was pruned, and the live-data page. Screenshots go to app/target/screenshots.
 */
@Timeout(180)
class BrowserPagesTest {

    /** The texts of the chat messages shown, in order. */

    @Test
    void twoBrowsersChatSeePresenceAndResumeAfterGoingOffline() throws Exception {
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo");
             Browser alice = Browser.start();
             Browser bob = Browser.start()) {
            // alice uses the form, bob a shared link
            alice.open(s.httpBase() + "/");
            alice.driver().findElement(By.id("name")).sendKeys("alice");
            WebElement room = alice.driver().findElement(By.id("room"));
            room.clear();
            room.sendKeys("room1");
            alice.driver().findElement(By.id("join-button")).click();
            awaitOpen(alice);
            bob.open(s.httpBase() + "/?name=bob&room=room1");
            awaitOpen(bob);

            for (Browser b : List.of(alice, bob)) {
                b.waitFor("[...document.querySelectorAll('#members li')].map(e => e.textContent).sort().join()"
                        + " === 'alice,bob'", WAIT);
                b.waitFor("document.getElementById('member-count').textContent === '2'", WAIT);
            }

            say(alice, "hello from alice");
            say(bob, "hi alice");
            for (Browser b : List.of(alice, bob)) {
                awaitTexts(b, List.of("hello from alice", "hi alice"));
            }

            // bob goes offline; alice sees him leave and keeps talking
            bob.driver().findElement(By.id("toggle-online")).click();
            bob.waitFor("document.getElementById('status').dataset.state === 'closed'", WAIT);
            alice.waitFor("document.getElementById('member-count').textContent === '1'", WAIT);
            for (String text : List.of("m1", "m2", "m3")) {
                say(alice, text);
            }
            awaitTexts(alice, List.of("hello from alice", "hi alice", "m1", "m2", "m3"));
            assertEquals(List.of("hello from alice", "hi alice"), bob.run("return " + TEXTS),
                    "nothing reaches bob while offline");

            // back online: exactly the missed messages, once each, in order, after a resume notice
            bob.driver().findElement(By.id("toggle-online")).click();
            awaitOpen(bob);
            bob.waitFor("[...document.querySelectorAll('#messages .notice.resume')].some(e => "
                    + "e.textContent === 'reconnected: missed 3 messages')", WAIT);
            awaitTexts(bob, List.of("hello from alice", "hi alice", "m1", "m2", "m3"));
            assertStrictlyIncreasing(bob.run("return " + SEQS));
            alice.waitFor("document.getElementById('member-count').textContent === '2'", WAIT);

            // the server drops bob's connection: duplex.js reconnects by itself and resumes
            int dropped = 0;
            for (ServerSession session : s.server().sessions()) {
                if (session.request().target().contains("name=bob")) {
                    session.close(1012, "restarting");
                    dropped++;
                }
            }
            assertEquals(1, dropped);
            say(alice, "m4");
            bob.waitFor("document.getElementById('status').dataset.state !== 'open'"
                    + " || document.querySelectorAll('#messages li.msg').length === 6", WAIT);
            awaitOpen(bob);
            awaitTexts(bob, List.of("hello from alice", "hi alice", "m1", "m2", "m3", "m4"));
            say(bob, "back");
            awaitTexts(alice, List.of("hello from alice", "hi alice", "m1", "m2", "m3", "m4", "back"));
            awaitTexts(bob, List.of("hello from alice", "hi alice", "m1", "m2", "m3", "m4", "back"));
            assertStrictlyIncreasing(bob.run("return " + SEQS));

            assertNotBlank(alice.screenshot("chat-alice"));
            assertNotBlank(bob.screenshot("chat-bob"));
        }
    }

    @Test
    void aResumePastThePrunedHistoryShowsAGap() throws Exception {
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo", "--history", "2");
             Browser alice = Browser.start();
             Browser bob = Browser.start()) {
            alice.open(s.httpBase() + "/?name=alice&room=gaps");
            bob.open(s.httpBase() + "/?name=bob&room=gaps");
            awaitOpen(alice);
            awaitOpen(bob);
            say(alice, "before");
            awaitTexts(bob, List.of("before"));
            bob.run("window.chat.hub.disconnect()");
            bob.waitFor("window.chat.hub.state === 'closed'", WAIT);
            for (String text : List.of("a", "b", "c", "d", "e")) {
                say(alice, text);
            }
            bob.run("window.chat.hub.reconnect()");
            awaitOpen(bob);
            // seqs: before=1, a..e = 2..6; only the last 2 are kept, so 2..4 are a gap
            bob.waitFor("[...document.querySelectorAll('#messages .notice.gap')].some(e => "
                    + "e.textContent === '3 messages (#2-#4) no longer available')", WAIT);
            awaitTexts(bob, List.of("before", "d", "e"));
        }
    }

    @Test
    void theLivePageRendersTheDemoFeedWithConnectionFigures() throws Exception {
        try (Serving s = ServeCommandTest.start("--memory", "--demo-interval", "50");
             Browser browser = Browser.start()) {
            browser.open(s.httpBase() + "/live.html");
            browser.waitFor("document.getElementById('status').dataset.state === 'open'", WAIT);
            browser.waitFor("Number(document.getElementById('count').textContent) >= 20", WAIT);
            browser.waitFor("document.getElementById('chart-line').getAttribute('points').split(' ').length >= 20",
                    WAIT);
            browser.waitFor("document.getElementById('ready-state').textContent === '1'", WAIT);
            assertEquals("live.demo", browser.run("return document.getElementById('topic').textContent"));
            Object buffered = browser.run("return document.getElementById('buffered').textContent");
            assertTrue(String.valueOf(buffered).matches("\\d+"), "bufferedAmount shown: " + buffered);
            assertEquals(browser.run("return String(window.live.hub.bufferedAmount)"), buffered,
                    "the page shows duplex.js's bufferedAmount (0 when idle)");
            Object rows = browser.run("return [...document.querySelectorAll('#updates li')]"
                    + ".map(li => Number(li.dataset.seq))");
            List<?> seqs = (List<?>) rows;
            assertTrue(seqs.size() >= 20, "updates listed: " + seqs);
            for (int i = 1; i < seqs.size(); i++) {
                assertTrue(((Number) seqs.get(i - 1)).longValue() > ((Number) seqs.get(i)).longValue(),
                        "newest first: " + seqs);
            }
            Object values = browser.run("return [...document.querySelectorAll('#updates .value')]"
                    + ".map(e => Number(e.textContent))");
            for (Object v : (List<?>) values) {
                double d = ((Number) v).doubleValue();
                assertTrue(d >= 0 && d <= 100, "value in range: " + v);
            }
            assertNotBlank(browser.screenshot("live"));
        }
    }

    @Test
    void withTokensRequiredThePagesPassTheTokenFromTheUrl() throws Exception {
        String secret = "0123456789abcdef0123456789abcdef-test-secret";
        String token = com.auth0.jwt.JWT.create().withClaim("name", "carol")
                .withClaim("publish", List.of("*")).withClaim("subscribe", List.of("*"))
                .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(secret));
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo", "--token-secret", secret);
             Browser withToken = Browser.start();
             Browser without = Browser.start()) {
            withToken.open(s.httpBase() + "/?name=ignored&room=lobby&token=" + token);
            awaitOpen(withToken);
            withToken.waitFor("document.getElementById('me').textContent === 'carol'", WAIT);
            say(withToken, "signed in");
            without.open(s.httpBase() + "/?name=dave&room=lobby");
            // every attempt is refused (401): the backoff goes on and the page never opens
            without.waitFor("window.chat.hub.state === 'reconnecting' && window.chat.hub.attempt >= 2", WAIT);
            assertEquals(0L, without.run("return document.querySelectorAll('#messages li.msg').length"));
        }
    }

    private static void awaitOpen(Browser b) {
        b.waitFor("window.chat ? window.chat.hub && window.chat.hub.state === 'open'"
                + " && document.getElementById('status').dataset.state === 'open'"
                + " : document.getElementById('status').dataset.state === 'open'", WAIT);
    }





    /** The screenshot decodes as a PNG and is not (nearly) one colour: a rendered page, not a blank viewport. */
    static void assertNotBlank(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null && image.getWidth() > 100 && image.getHeight() > 100, "a PNG: " + png);
        Map<Integer, Integer> counts = new HashMap<>();
        int total = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                counts.merge(image.getRGB(x, y) & 0xFFFFFF, 1, Integer::sum);
                total++;
            }
        }
        int top = counts.values().stream().max(Integer::compare).orElse(0);
        assertTrue(counts.size() >= 16, counts.size() + " distinct colours in " + png);
        assertTrue(top < total * 0.97, "one colour covers " + (100L * top / total) + "% of " + png);
    }
}
