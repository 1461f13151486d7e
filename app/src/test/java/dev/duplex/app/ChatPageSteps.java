package dev.duplex.app;

import dev.duplex.testkit.Browser;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the Chromium tests do on the built-in chat page and read back from its DOM: say a line and wait until the
 * hub echoed it, wait for an exact list of shown texts, check the shown seqs. Every wait has the deadline
 * {@link #WAIT}.
 */
final class ChatPageSteps {
    static final Duration WAIT = Duration.ofSeconds(20);
    /** A script expression: the texts of the shown messages, in page order. */
    static final String TEXTS =
            "[...document.querySelectorAll('#messages li.msg .text')].map(e => e.textContent)";
    /** A script expression: the seqs of the shown messages, in page order. */
    static final String SEQS =
            "[...document.querySelectorAll('#messages li.msg')].map(e => Number(e.dataset.seq))";

    private ChatPageSteps() {
    }

    /** Types and sends {@code text}; returns once it is shown (it comes back through the hub once stored). */
    static void say(Browser b, String text) {
        WebElement input = b.driver().findElement(By.id("message"));
        input.sendKeys(text);
        b.driver().findElement(By.id("send")).click();
        b.waitFor(TEXTS + ".includes(" + jsString(text) + ")", WAIT);
    }

    /** Waits until the page shows exactly {@code expected}, in that order. */
    static void awaitTexts(Browser b, List<String> expected) {
        StringBuilder array = new StringBuilder("[");
        for (String t : expected) {
            array.append(array.length() > 1 ? "," : "").append(jsString(t));
        }
        array.append(']');
        b.waitFor("JSON.stringify(" + TEXTS + ") === JSON.stringify(" + array + ")", WAIT);
    }

    static String jsString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** {@code seqs} (the result of {@link #SEQS}) go strictly up: nothing shown twice, nothing out of order. */
    static void assertStrictlyIncreasing(Object seqs) {
        List<?> list = (List<?>) seqs;
        for (int i = 1; i < list.size(); i++) {
            assertTrue(((Number) list.get(i - 1)).longValue() < ((Number) list.get(i)).longValue(),
                    "seqs strictly increasing (no duplicates): " + list);
        }
    }
}
